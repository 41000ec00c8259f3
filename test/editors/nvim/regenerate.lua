-- The regeneration scenario in headless Neovim: open the example app, wait for the CWE-89
-- diagnostic, run vim.lsp.buf.code_action() at it and pick "Regenerate securely (orbit-ls)" the
-- way a user would (vim.ui.select); Neovim's own handler resolves the action (codeAction/resolve)
-- or runs its command. Wait for the rewritten body and for the diagnostic to go away, then save.
-- Every step is recorded in the JSON file named by ORBIT_RESULT.

local S = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/scenario.lua')
local WAIT_MS, result, step, fail = S.WAIT_MS, S.result, S.step, S.fail

local function sql_findings(bufnr)
  return S.findings(bufnr, 'CWE-89')
end

local function run()
  local bufnr, client = S.attach()
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

  local cleared = S.cleared(bufnr, 'CWE-89', before, target)
  result.after = #sql_findings(bufnr)
  if not cleared then fail('the CWE-89 diagnostic did not go away') end
  step('cleared')
  vim.cmd('write')
  step('saved')
end

S.run(run)
