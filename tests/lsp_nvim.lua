-- lsp_nvim.lua - Neovim's built-in LSP client against `expc lsp`
-- (tests/t_lsp.sh runs it headless: nvim --headless -u NONE -i NONE
-- -c 'luafile tests/lsp_nvim.lua').  Neovim 0.7: vim.lsp.start_client and
-- buf_attach_client (no vim.lsp.start before 0.8).
--
-- Environment: EXPC (the binary), LSP_FILE (a script with one unknown
-- emotion, `comfrt`), LSP_OUT (what was seen, one fact a line, compared
-- by t_lsp.sh).
local out = assert(io.open(os.getenv("LSP_OUT"), "w"))
local function say(fmt, ...) out:write(string.format(fmt, ...) .. "\n") end

vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("LSP_FILE")))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = "expc",
  cmd = { os.getenv("EXPC"), "lsp" },
  root_dir = vim.fn.fnamemodify(os.getenv("LSP_FILE"), ":h"),
})
say("client %s", id and "started" or "failed")
vim.lsp.buf_attach_client(buf, id)

-- Diagnostics for the buffer, as published.
local got = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
say("diagnostics %s", got and "received" or "timed out")
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
  say("diagnostic %d:%d-%d:%d %s %s: %s", d.lnum, d.col, d.end_lnum, d.end_col,
      d.severity == vim.diagnostic.severity.ERROR and "error" or "other", code, d.message)
end

-- Hover on the event `fast_checkin` and on the misspelt emotion.
local function hover(needle, plus)
  local l = vim.fn.search(needle, "nw") - 1
  local line = vim.api.nvim_buf_get_lines(buf, l, l + 1, false)[1]
  local c = line:find(needle, 1, true) - 1 + plus
  local res = vim.lsp.buf_request_sync(buf, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = l, character = c },
  }, 10000)
  for _, r in pairs(res or {}) do
    if r.result and r.result.contents then
      return r.result.contents.value
    end
  end
  return "(no hover)"
end
local h = hover("fast_checkin", 2)
say("hover event: %s", h:match("points: [^\n]*") or h)
say("hover event: %s", h:match("touch point: [^\n]*") or h)
h = hover("comfrt", 1)
say("hover diagnostic: %s", h:match("E0202[^\n]*") or h)

-- Fix the typo in the buffer (incremental sync): the diagnostic goes.
local l = vim.fn.search("comfrt", "nw") - 1
local c = vim.api.nvim_buf_get_lines(buf, l, l + 1, false)[1]:find("comfrt", 1, true) - 1
vim.api.nvim_buf_set_text(buf, l, c, l, c + 6, { "comfort" })
got = vim.wait(15000, function() return #vim.diagnostic.get(buf) == 0 end, 20)
say("after the edit: %d diagnostics", #vim.diagnostic.get(buf))

vim.lsp.stop_client(id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 20)
say("client %s", vim.lsp.get_client_by_id(id) == nil and "stopped" or "still running")
out:close()
vim.cmd("qa!")
