" Experience Scripts: *.exp (over Vim's own `expect` for that extension).
autocmd BufRead,BufNewFile *.exp set filetype=exp
