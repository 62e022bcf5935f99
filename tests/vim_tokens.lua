-- vim_tokens.lua - the Vim syntax of editors/vim as Neovim applies it:
-- for each file named in VIM_FILES (space-separated), writes NAME.vim.tokens
-- in the current folder, one line per run of characters in one syntax
-- group (blanks left out): LINE:START-END 'TEXT' GROUP, columns from 0.
-- Also checks that ftdetect gives the buffer filetype `exp`.
-- tests/t_editors.sh runs it: nvim --headless -u NONE -i NONE
--   --cmd 'set rtp^=editors/vim' -c 'filetype on' -c 'syntax on' -c 'luafile ...'
for file in string.gmatch(os.getenv("VIM_FILES"), "%S+") do
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local out = {}
  table.insert(out, "filetype " .. vim.bo.filetype)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  for l, text in ipairs(lines) do
    local start, group = nil, nil
    local function flush(c)
      if start and group ~= "" then
        local piece = text:sub(start, c - 1)
        if piece:match("%S") then
          table.insert(out, string.format("%d:%d-%d %q %s", l, start - 1, c - 1, piece, group))
        end
      end
    end
    for c = 1, #text + 1 do
      local g = c <= #text and vim.fn.synIDattr(vim.fn.synID(l, c, 1), "name") or nil
      if c <= #text and text:sub(c, c):match("%s") and g ~= "expString" and g ~= "expComment" then
        g = ""
      end
      if g ~= group then
        flush(c)
        start, group = c, g
      end
    end
  end
  local name = vim.fn.fnamemodify(file, ":t:r") .. ".vim.tokens"
  local f = assert(io.open(name, "w"))
  f:write(table.concat(out, "\n") .. "\n")
  f:close()
  vim.cmd("bwipeout!")
end
vim.cmd("qa!")
