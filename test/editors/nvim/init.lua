-- Test init for headless Neovim: nothing from the user's config, only the shipped legacy setup
-- from clients/neovim, exactly as docs/editors.md tells users to load it.
local repo = os.getenv('ORBIT_REPO')
vim.opt.runtimepath:prepend(repo .. '/clients/neovim')
vim.opt.swapfile = false
vim.cmd('filetype on')
-- Debug level so a failing run leaves the whole JSON-RPC exchange in lsp.log for the test report.
vim.lsp.set_log_level('debug')
-- A test may pass the "orbit" settings a user would give setup(), as JSON.
local settings = os.getenv('ORBIT_SETTINGS')
require('orbit_ls_legacy').setup(settings and { settings = { orbit = vim.json.decode(settings) } } or nil)
