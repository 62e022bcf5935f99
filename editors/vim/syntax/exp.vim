" Vim syntax file
" Language:    Experience Script (.exp), the language of expc
" Reference:   docs/language.md (Lexical structure, Grammar)
" Tested by:   tests/t_editors.sh (Neovim, headless)
if exists('b:current_syntax')
  finish
endif

syn keyword expImport      import
syn keyword expDeclaration emotion industry experience note event test
syn keyword expKeyword     evokes first key before for path evoke threshold via at
syn keyword expKeyword     penalty early as within reset after cap per events expect
syn keyword expBehaviour   SAY STAY SPEND ENGAGED
" Matches, not keywords, where a word's group depends on the word before
" (a keyword would win over them): the later match wins at one place.
syn match   expMedium      "\<\%(stage\|system\|service\)\>"
syn match   expTouchPoint  "\%(\<at\s\+\)\@<=\h\w*"
syn match   expName        "\%(\<\%(experience\|industry\|for\)\s\+\)\@<=\h\w*"
syn match   expEventName   "\%(\<event\s\+\)\@<=\h\w*"
syn match   expExpect      "\%(\<expect\s\+\)\@<=\%(score\|stage\|points\)\>"
syn match   expDuration    "\<\d\+\%(ms\|s\|m\|h\|d\|w\)\>"
syn match   expNumber      "[-+]\=\<\d\+\>"
syn match   expArrow       "->"
syn match   expEscape      contained +\\["\\nt]+
syn region  expString      start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=expEscape
syn keyword expTodo        contained TODO FIXME XXX NOTE
syn match   expComment     "//.*$" contains=expTodo,@Spell
syn region  expComment     start="/\*" end="\*/" contains=expTodo,@Spell

hi def link expImport      Include
hi def link expDeclaration StorageClass
hi def link expKeyword     Keyword
hi def link expExpect      Keyword
hi def link expBehaviour   Constant
hi def link expMedium      Type
hi def link expTouchPoint  Constant
hi def link expName        Identifier
hi def link expEventName   Function
hi def link expDuration    Number
hi def link expNumber      Number
hi def link expArrow       Operator
hi def link expString      String
hi def link expEscape      SpecialChar
hi def link expComment     Comment
hi def link expTodo        Todo

let b:current_syntax = 'exp'
