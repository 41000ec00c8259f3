-- The regeneration scenario in headless Neovim: open the example app, wait for the CWE-89
-- diagnostic, run vim.lsp.buf.code_action() at it and pick "Regenerate securely (orbit-ls)" the
-- way a user would (vim.ui.select); Neovim's own handler resolves the action (codeAction/resolve)
-- or runs its command. Wait for the rewritten body and for the diagnostic to go away, then save.
-- Every step is recorded in the JSON file named by ORBIT_RESULT.

local result_path = os.getenv('ORBIT_RESULT')
local file = os.getenv('ORBIT_FILE')
local WAIT_MS = tonumber(os.getenv('ORBIT_WAIT_MS') or '20000')

local result = { steps = {} }
local function step(name) table.insert(result.steps, name) end
local function fail(message) error({ orbit = message }) end

local function finish()
  local f = assert(io.open(result_path, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  vim.cmd('qall!')
end

local function sql_findings(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.message:find('(CWE-89)', 1, true) then table.insert(out, d) end
  end
  table.sort(out, function(a, b) return a.lnum < b.lnum end)
  return out
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client
  if not vim.wait(WAIT_MS, function()
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if c.server_capabilities then client = c return true end
    end
    return false
  end, 50) then fail('no orbit-ls client attached') end
  step('attached')
  local cap = client.server_capabilities.codeActionProvider
  result.resolve_provider = type(cap) == 'table' and cap.resolveProvider == true

  if not vim.wait(WAIT_MS, function() return #sql_findings(bufnr) > 0 end, 50) then
    fail('no CWE-89 diagnostic was published')
  end
  step('diagnosed')
  local before = sql_findings(bufnr)
  result.before = #before
  local target = before[1]
  result.target_line = target.lnum
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })

  -- Pick the regeneration action from the menu Neovim shows, as a user would.
  local picked = false
  vim.ui.select = function(items, opts, on_choice)
    result.titles = {}
    local choice
    for i, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(result.titles, title)
      if not choice and title:find('^Regenerate securely %(orbit%-ls%)') then choice = i end
    end
    if not choice then fail('no "Regenerate securely" action in the menu') end
    result.picked = items[choice][2]
    result.picked = { title = result.picked.title, has_edit = result.picked.edit ~= nil, has_command = result.picked.command ~= nil }
    picked = true
    on_choice(items[choice], choice)
  end
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.lsp.buf.code_action()
  if not vim.wait(WAIT_MS, function() return picked end, 20) then fail('the code action menu never opened') end
  step('picked')

  if not vim.wait(WAIT_MS, function() return vim.api.nvim_buf_get_changedtick(bufnr) ~= tick end, 50) then
    fail('the regenerated body never reached the buffer')
  end
  step('applied')
  result.text_after = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')

  local cleared = vim.wait(WAIT_MS, function()
    local now = sql_findings(bufnr)
    if #now ~= #before - 1 then return false end
    for _, d in ipairs(now) do if d.lnum == target.lnum then return false end end
    return true
  end, 50)
  result.after = #sql_findings(bufnr)
  if not cleared then fail('the CWE-89 diagnostic did not go away') end
  step('cleared')
  vim.cmd('write')
  step('saved')
end

local ok, err = xpcall(run, debug.traceback)
if not ok then result.error = type(err) == 'table' and err.orbit or tostring(err) end
finish()
