-- What the headless Neovim scenarios share, loaded by quickfix.lua and regenerate.lua with dofile:
-- the record of steps written as JSON to the file named by ORBIT_RESULT, bounded waits, the
-- diagnostics naming a CWE, attaching orbit-ls to ORBIT_FILE, and waiting for a fix to clear.
local M = {}

-- Each wait is bounded so a silent server fails one step clearly instead of hanging the run.
M.WAIT_MS = tonumber(os.getenv('ORBIT_WAIT_MS') or '20000')
M.result = { steps = {} }

function M.step(name)
  table.insert(M.result.steps, name)
end

function M.fail(message)
  error({ orbit = message })
end

-- The buffer's diagnostics whose message names `cwe` ("CWE-89"), in buffer order.
function M.findings(bufnr, cwe)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.message:find('(' .. cwe .. ')', 1, true) then
      table.insert(out, d)
    end
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return out
end

-- Opens ORBIT_FILE and waits for a client to attach; it counts once the initialize handshake is
-- done, which is when capabilities appear. Returns the buffer and the client.
function M.attach()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('ORBIT_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  M.result.filetype = vim.bo[bufnr].filetype
  local client
  if not vim.wait(M.WAIT_MS, function()
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if c.server_capabilities then
        client = c
        return true
      end
    end
    return false
  end, 50) then
    M.fail('no orbit-ls client attached to the buffer')
  end
  M.step('attached')
  return bufnr, client
end

-- Waits until the server, re-analysing the edited buffer, has dropped exactly one of the `before`
-- diagnostics naming `cwe` and none is left on the line of `target`.
function M.cleared(bufnr, cwe, before, target)
  return vim.wait(M.WAIT_MS, function()
    local now = M.findings(bufnr, cwe)
    if #now ~= #before - 1 then
      return false
    end
    for _, d in ipairs(now) do
      if d.lnum == target.lnum then
        return false
      end
    end
    return true
  end, 50)
end

-- Runs the scenario and, however it ends, writes the record and quits.
function M.run(scenario)
  local ok, err = xpcall(scenario, debug.traceback)
  if not ok then
    M.result.error = type(err) == 'table' and err.orbit or tostring(err)
  end
  local f = assert(io.open(os.getenv('ORBIT_RESULT'), 'w'))
  f:write(vim.json.encode(M.result))
  f:close()
  vim.cmd('qall!')
end

return M
