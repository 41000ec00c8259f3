-- The quick-fix scenario in headless Neovim: open a vulnerable file, wait for a diagnostic naming
-- the CWE in ORBIT_CWE (CWE-89 by default), request code actions there, apply the preferred quick
-- fix, wait for the diagnostic to go away, save. Every step is recorded in the JSON file named by
-- ORBIT_RESULT.

local S = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/scenario.lua')
local WAIT_MS, result, step, fail = S.WAIT_MS, S.result, S.step, S.fail
local CWE = os.getenv('ORBIT_CWE') or 'CWE-89'

local function simplify(d)
  return {
    lnum = d.lnum,
    col = d.col,
    end_lnum = d.end_lnum,
    end_col = d.end_col,
    message = d.message,
    source = d.source,
    code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    severity = d.severity,
  }
end

local function findings(bufnr)
  return S.findings(bufnr, CWE)
end

-- Rebuilds the LSP form of a diagnostic for the codeAction context, as vim.lsp.buf.code_action
-- does; 0.7 keeps code and data under user_data.lsp.
local function to_lsp(d)
  local lsp = (d.user_data and d.user_data.lsp) or {}
  return {
    range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum, character = d.end_col },
    },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code or lsp.code,
    codeDescription = lsp.codeDescription,
    data = lsp.data,
  }
end

local function run()
  local bufnr, client = S.attach()
  result.client_name = client.name
  result.cmd = client.config.cmd

  if not vim.wait(WAIT_MS, function()
    return #findings(bufnr) > 0
  end, 50) then
    result.diagnostics_seen = vim.tbl_map(simplify, vim.diagnostic.get(bufnr))
    fail('no ' .. CWE .. ' diagnostic was published')
  end
  step('diagnosed')
  local before = findings(bufnr)
  result.before = vim.tbl_map(simplify, before)
  local target = before[1]
  result.line_before = vim.api.nvim_buf_get_lines(bufnr, target.lnum, target.lnum + 1, false)[1]

  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = {
      start = { line = target.lnum, character = target.col },
      ['end'] = { line = target.end_lnum, character = target.end_col },
    },
    context = { diagnostics = { to_lsp(target) } },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, WAIT_MS)
  if not responses then
    fail('textDocument/codeAction got no answer: ' .. tostring(err))
  end
  local actions = {}
  for _, response in pairs(responses) do
    if response.error then
      fail('textDocument/codeAction failed: ' .. vim.inspect(response.error))
    end
    for _, action in ipairs(response.result or {}) do
      table.insert(actions, action)
    end
  end
  result.actions = vim.tbl_map(function(a)
    return { title = a.title, kind = a.kind, isPreferred = a.isPreferred or false }
  end, actions)
  step('actions')

  local chosen
  for _, a in ipairs(actions) do
    if a.kind and a.kind:find('^quickfix') and a.isPreferred then
      chosen = a
      break
    end
  end
  if not chosen then
    fail('no preferred quick fix among the code actions')
  end

  -- Apply the action the way Neovim's own code-action handler does: resolve when the server
  -- deferred the edit, apply the edit, then run the command if there is one.
  if not chosen.edit and not chosen.command and client.server_capabilities
    and type(client.server_capabilities.codeActionProvider) == 'table'
    and client.server_capabilities.codeActionProvider.resolveProvider then
    local resolved = client.request_sync('codeAction/resolve', chosen, WAIT_MS, bufnr)
    if resolved and resolved.result then
      chosen = resolved.result
    end
  end
  if chosen.edit then
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  end
  if chosen.command then
    local command = type(chosen.command) == 'table' and chosen.command or chosen
    local answer = client.request_sync('workspace/executeCommand', {
      command = command.command,
      arguments = command.arguments,
    }, WAIT_MS, bufnr)
    if not answer or answer.err then
      fail('workspace/executeCommand failed: ' .. vim.inspect(answer and answer.err))
    end
  end
  if not chosen.edit and not chosen.command then
    fail('the quick fix carries neither an edit nor a command')
  end
  step('applied')
  result.chosen = chosen.title
  result.line_after = vim.api.nvim_buf_get_lines(bufnr, target.lnum, target.lnum + 1, false)[1]
  result.statement_after = table.concat(vim.api.nvim_buf_get_lines(bufnr, target.lnum, target.lnum + 3, false), '\n')

  -- The fix is accepted when the server, re-analysing the edited buffer, drops exactly one
  -- such diagnostic and none is left on the fixed line.
  local cleared = S.cleared(bufnr, CWE, before, target)
  result.after = vim.tbl_map(simplify, findings(bufnr))
  if not cleared then
    fail('the ' .. CWE .. ' diagnostic did not go away after the fix')
  end
  step('cleared')

  vim.cmd('write')
  step('saved')
end

S.run(run)
