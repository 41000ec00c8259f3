-- orbit-ls for Neovim 0.11 and later: a config for vim.lsp.config/vim.lsp.enable.
-- Put clients/neovim on 'runtimepath' (or copy this file to lsp/ in your config), then
-- call vim.lsp.enable('orbit_ls'). Override any field with vim.lsp.config('orbit_ls', {...}).

-- vim.g.orbit_ls_cmd lets a user point at a clone without editing this file; it is read here,
-- when Neovim first resolves the config, so set it before vim.lsp.enable().
local cmd = vim.g.orbit_ls_cmd or { 'orbit-ls', '--stdio' }

return {
  cmd = cmd,
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'ejs', 'pug', 'handlebars' },
  root_markers = { 'package.json', 'tsconfig.json', 'jsconfig.json', '.git' },
  -- Answers workspace/configuration for section "orbit". An empty Lua table would be sent as a
  -- JSON array, so the empty default is an explicit dictionary.
  settings = { orbit = vim.empty_dict() },
}
