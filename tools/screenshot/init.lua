-- init.lua - Neovim set up as docs/editors.md says, for the screenshot
-- (tools/screenshot/take.sh): editors/vim on the runtimepath, expc lsp
-- attached to .exp buffers, then - once diagnostics arrive - the cursor
-- on an event and its hover open.
local root = os.getenv("EXPC_ROOT")
vim.opt.runtimepath:prepend(root .. "/editors/vim")
vim.cmd("filetype plugin on")
vim.cmd("syntax on")
vim.opt.termguicolors = true
vim.opt.number = true
vim.opt.signcolumn = "yes"
vim.opt.laststatus = 2
vim.opt.shortmess:append("I")
vim.cmd("highlight NormalFloat guibg=#3a3a4a guifg=#e8e8e8")
vim.cmd("highlight FloatBorder guibg=#3a3a4a guifg=#a0a0c0")
vim.cmd("highlight SignColumn guibg=NONE")
vim.cmd("highlight LineNr guifg=#707070")

-- The set-up of docs/editors.md.
vim.api.nvim_create_autocmd("FileType", {
  pattern = "exp",
  callback = function(args)
    local id = vim.lsp.start_client({
      name = "expc",
      cmd = { os.getenv("EXPC"), "lsp" },
      root_dir = vim.fn.getcwd(),
    })
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})

vim.defer_fn(function()
  vim.wait(10000, function() return #vim.diagnostic.get(0) > 0 end, 50)
  vim.cmd("normal! 12Gzt")
  vim.fn.search("fast_checkin", "w")
  vim.cmd("normal! 4l")
  vim.lsp.util.open_floating_preview = (function(orig)
    return function(contents, syntax, opts)
      opts = opts or {}
      opts.border = "rounded"
      return orig(contents, syntax, opts)
    end
  end)(vim.lsp.util.open_floating_preview)
  vim.defer_fn(vim.lsp.buf.hover, 500)
end, 300)
