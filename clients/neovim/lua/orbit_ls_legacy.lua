-- orbit-ls for Neovim 0.7 to 0.10: starts one server per project root and attaches it to
-- JavaScript and TypeScript buffers. Usage: require('orbit_ls_legacy').setup({ ... }).

local M = {}

-- Everything a user may override through setup(); all defaults live here.
M.defaults = {
  cmd = { 'orbit-ls', '--stdio' },
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'ejs', 'pug', 'handlebars' },
  root_markers = { 'package.json', 'tsconfig.json', 'jsconfig.json', '.git' },
  -- Answers workspace/configuration for section "orbit" (see docs/configuration.md). An empty
  -- Lua table would be sent as a JSON array, so the empty default is an explicit dictionary.
  settings = { orbit = vim.empty_dict() },
  init_options = nil,
  capabilities = nil,
  on_init = nil,
  on_attach = nil,
}

local uv = vim.loop

-- vim.fs.find arrived in 0.8, so walk up by hand to support 0.7.
local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while dir and dir ~= '' do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  -- No marker: the file's own directory is the workspace, as with a loose script.
  return vim.fn.fnamemodify(path, ':p:h')
end

local function is_running(client_id)
  local client = client_id and vim.lsp.get_client_by_id(client_id)
  return client ~= nil and not client.is_stopped()
end

-- Neovim answers workspace/configuration from `settings` but before 0.11 does not say so.
local function capabilities(user)
  local caps = vim.tbl_deep_extend('force', vim.lsp.protocol.make_client_capabilities(), user or {})
  caps.workspace = caps.workspace or {}
  caps.workspace.configuration = true
  return caps
end

local function make_config(opts)
  local config = vim.tbl_deep_extend('force', {}, M.defaults, opts or {})
  -- Lists replace rather than merge: a user's cmd or filetypes is taken as given.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if opts and opts[key] then
      config[key] = opts[key]
    end
  end
  if vim.g.orbit_ls_cmd and not (opts and opts.cmd) then
    config.cmd = vim.g.orbit_ls_cmd
  end
  return config
end

--- Starts orbit-ls for JavaScript and TypeScript buffers, now and for buffers opened later.
function M.setup(opts)
  local config = make_config(opts)
  local clients_by_root = {}

  local function attach(bufnr)
    if vim.bo[bufnr].buftype ~= '' then
      return
    end
    local fname = vim.api.nvim_buf_get_name(bufnr)
    if fname == '' then
      return
    end
    local root = find_root(fname, config.root_markers)
    local client_id = clients_by_root[root]
    if not is_running(client_id) then
      if vim.fn.executable(config.cmd[1]) ~= 1 then
        vim.notify(
          string.format("orbit-ls: '%s' is not executable; install orbit-ls or set cmd in setup()", config.cmd[1]),
          vim.log.levels.WARN
        )
        return
      end
      client_id = vim.lsp.start_client({
        name = 'orbit_ls',
        cmd = config.cmd,
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        settings = config.settings,
        init_options = config.init_options,
        capabilities = capabilities(config.capabilities),
        on_init = function(client, result)
          -- Neovim before 0.11 neither pushes settings nor advertises workspace/configuration,
          -- so send them once the server is up, as :help vim.lsp.start_client() advises.
          client.notify('workspace/didChangeConfiguration', { settings = config.settings })
          if config.on_init then
            config.on_init(client, result)
          end
        end,
        on_attach = config.on_attach,
      })
      clients_by_root[root] = client_id
    end
    if client_id then
      vim.lsp.buf_attach_client(bufnr, client_id)
    end
  end

  local group = vim.api.nvim_create_augroup('orbit_ls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      attach(args.buf)
    end,
  })

  -- Buffers opened before setup() ran have already had their FileType event.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      attach(bufnr)
    end
  end
end

return M
