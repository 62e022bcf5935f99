/* codes.c - the table of diagnostic codes (docs/language.md lists them).
 *
 * One row per code: its severity, a one-line summary, a paragraph on what it
 * means for the customer experience being scripted, a script that triggers
 * it and the same script fixed.  The checker names codes by string and takes
 * their severity from here; `expc explain CODE` prints a row and
 * docs/diagnostics.md is generated from the whole table, so this file is
 * user documentation as much as code.  tests/unit/test_sema.c compiles every
 * `wrong` example (it must report its code) and every `right` one (it must
 * be clean), so the examples cannot drift from the checker.
 *
 * Examples are complete scripts.  They import the bundled stdlib
 * (`emotions`, `industries`) to stay short; the lines they share are macros
 * below so each example reads as the list of its lines. */
#include "expc/diag.h"

/* ---- building blocks of the examples --------------------------------- */

#define IMP_EMOTIONS "import \"emotions\";\n"
#define IMP_INDUSTRIES "import \"industries\";\n"
#define BLANK "\n"
#define END "}\n"

/* A cafe: no industry, plays SAY -> STAY -> SPEND. */
#define CAFE "experience cafe {\n"
#define PATH_CAFE "    path SAY -> STAY -> SPEND;\n"
#define NOTE_SAY \
    "    note SAY   { evoke trust;      stage \"Counter\"; system \"Menu app\";   service \"Listen\"; }\n"
#define NOTE_STAY \
    "    note STAY  { evoke comfort;    stage \"Sofas\";   system \"Free Wi-Fi\"; service \"No rush\"; }\n"
#define NOTE_SPEND \
    "    note SPEND { evoke excitement; stage \"Cakes\";   system \"Tap to pay\"; service \"Suggest\"; }\n"
#define EV_SAY "    event asked  : SAY trust        +10;\n"
#define EV_STAY "    event stayed : STAY comfort     +10;\n"
#define EV_SPEND "    event bought : SPEND excitement +10;\n"

/* A hotel `for hospitality` (stdlib: first STAY; key SPEND). */
#define HOTEL "experience grand_hotel for hospitality {\n"
#define PATH_HOTEL "    path STAY -> SAY -> SPEND;\n"

/* The whole clean cafe, the `right` side of many rows. */
/* A cafe whose events cover the whole life cycle: the good example of the
 * touch-point codes. */
#define CAFE_LIFE_CYCLE                                                          \
    IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND              \
    "    event saw_ad   : SAY trust        at marketing +2;\n"                    \
    "    event asked    : SAY trust        at service   +8;\n"                    \
    "    event stayed   : STAY comfort     at service   +10;\n"                   \
    "    event bought   : SPEND excitement at sales     +10;\n"                   \
    "    event returned : STAY comfort     at support   +5;\n"                    \
    END
#define CAFE_OK \
    IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND \
    EV_SAY EV_STAY EV_SPEND END
#define HOTEL_OK \
    IMP_EMOTIONS IMP_INDUSTRIES BLANK HOTEL PATH_HOTEL NOTE_STAY NOTE_SAY \
    NOTE_SPEND EV_STAY EV_SAY EV_SPEND END

const diag_code diag_codes[] = {
    /* ---- lexical and syntax errors: reported for every file, then
     * compilation stops before any check below runs ----------------- */
    {"E0101", DIAG_ERROR,
     "a character that cannot start a token",
     "The lexer met a byte that begins no token of the language: not a letter, "
     "digit, sign, quote, `/` of a comment or one of the punctuation marks "
     "`{ } ; , : ->`.  Comments are written `// ...` or `/* ... */`; `#` is "
     "not a comment.  The character is skipped and the rest of the file is "
     "still checked for syntax, so every such mistake is reported in one run.",
     "emotion calm, cosy evokes STAY;   # how the waiting room feels\n",
     "emotion calm, cosy evokes STAY;   // how the waiting room feels\n"},

    {"E0102", DIAG_ERROR,
     "unterminated string, or a newline inside one",
     "A string (an import name or the text of a medium: what the stage, the "
     "system or the service does) opens with `\"` and must close with `\"` on "
     "the same line.  Long descriptions stay on one line; write `\\n` for a "
     "line break inside the text.",
     "import \"emotions;\n",
     "import \"emotions\";\n"},

    {"E0103", DIAG_ERROR,
     "unterminated block comment",
     "A `/*` comment runs until the next `*/`.  When there is none, the whole "
     "rest of the file is a comment and nothing after the `/*` is compiled.  "
     "Block comments do not nest.",
     "/* Feelings of the waiting room.\n"
     "emotion calm, cosy evokes STAY;\n",
     "/* Feelings of the waiting room. */\n"
     "emotion calm, cosy evokes STAY;\n"},

    {"E0104", DIAG_ERROR,
     "integer magnitude over 1000000, or identifier over 255 bytes",
     "Points, thresholds and penalties are at most 1000000 in magnitude, which "
     "keeps every score of a customer far from overflow however many events "
     "arrive.  Identifiers (emotions, events, experiences...) are at most 255 "
     "bytes.  Scale the points of an experience down together: only their "
     "ratios to the thresholds matter.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY
     "    event bought : SPEND excitement +5000000;\n"
     END,
     CAFE_OK},

    {"E0110", DIAG_ERROR,
     "syntax error (the message says what was expected and what was found)",
     "The tokens do not follow the grammar of experience scripts.  The "
     "message names what the parser expected and what it found instead; the "
     "usual cause is a missing `;` at the end of the line before.  The parser "
     "recovers and goes on, so every syntax error of every file is reported in "
     "one run (up to --max-errors); the checks of the script run once there "
     "are none.",
     "emotion calm, cosy evokes STAY\n"
     "emotion eager evokes SPEND;\n",
     "emotion calm, cosy evokes STAY;\n"
     "emotion eager evokes SPEND;\n"},

    /* ---- names ----------------------------------------------------- */
    {"E0201", DIAG_ERROR,
     "a name declared twice (emotion, industry, experience; an event in one experience)",
     "Emotions, industries and experiences share one global namespace across a "
     "script and all its imports, so a name may be declared once in all of them "
     "together (an experience cannot be called like an emotion of the stdlib).  "
     "Events are named per experience: two events of one experience cannot "
     "share a name, because a customer's signal must map to exactly one event.  "
     "A `note:` line points at the first declaration (what a file imports "
     "counts as declared before the file's own names); rename one of the two.  "
     "A second `note` for one behaviour is E0401.",
     "emotion calm evokes STAY;\n"
     "emotion calm evokes SAY;\n",
     "emotion calm evokes STAY;\n"
     "emotion candid evokes SAY;\n"},

    {"E0202", DIAG_ERROR,
     "unknown emotion",
     "An `evoke` list or an event names an emotion that no `emotion` "
     "declaration of the script or its imports defines.  Emotions are what "
     "fill a note: each evokes one behaviour (SAY, STAY or SPEND).  Import "
     "the stdlib's `emotions` for the common ones, declare your own with "
     "`emotion NAME evokes BEHAVIOUR;`, or fix the spelling: when a declared "
     "emotion is close, the message suggests it.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY
     "    note STAY  { evoke comfrot;    stage \"Sofas\";   system \"Free Wi-Fi\"; service \"No rush\"; }\n"
     NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     CAFE_OK},

    {"E0203", DIAG_ERROR,
     "unknown industry",
     "`experience NAME for INDUSTRY` names an industry whose rules the path must "
     "obey, but no `industry` declaration defines it.  Import the stdlib's "
     "`industries` (hospitality, fast_food, healthcare, ...), declare the "
     "industry yourself, or fix the spelling: when a declared industry is "
     "close, the message suggests it.",
     IMP_EMOTIONS IMP_INDUSTRIES BLANK
     "experience grand_hotel for hospitallity {\n"
     PATH_HOTEL NOTE_STAY NOTE_SAY NOTE_SPEND EV_STAY EV_SAY EV_SPEND END,
     HOTEL_OK},

    {"E0205", DIAG_ERROR,
     "import not found",
     "`import \"NAME\";` loads NAME.exp, searching the importing file's folder, "
     "each `-I DIR` in order, each folder of EXP_PATH, and last the bundled "
     "stdlib.  None of them holds the file.  Check the spelling, or add the "
     "folder that holds it with `-I`.",
     "import \"emotion\";\n",
     "import \"emotions\";\n"},

    {"E0206", DIAG_ERROR,
     "a log name claimed twice (an event's name or alias)",
     "An event is found in the log by its name or by any of its aliases "
     "(`event x as \"web.x\", \"app.x\" : ...`), so each such log name must "
     "map to exactly one event of the experience: an alias equal to another "
     "event's name or alias, to its own event's name, or written twice, "
     "would make one line of the log two events (or say nothing).  The later "
     "claim is reported, with a note at the first; remove or rename one.  Two "
     "events with one name are E0201.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     "    event asked  as \"web.visit\" : SAY trust        +10;\n"
     "    event stayed as \"web.visit\" : STAY comfort     +10;\n"
     EV_SPEND END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     "    event asked  as \"web.ask\"  : SAY trust        +10;\n"
     "    event stayed as \"web.stay\" : STAY comfort     +10;\n"
     EV_SPEND END},

    {"E0207", DIAG_ERROR,
     "an alias that is empty, over 255 bytes, or holds a control character",
     "An alias is a name as it appears in the log's event column: a log line "
     "never has an empty name there, a name longer than 255 bytes, or one "
     "with a control character (a tab, a newline, ...), so such an alias "
     "could never match and is surely a mistake.  Write the name as the log "
     "spells it.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     "    event asked  as \"\" : SAY trust        +10;\n"
     EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     "    event asked  as \"web.ask\" : SAY trust        +10;\n"
     EV_STAY EV_SPEND END},

    /* ---- paths and industries -------------------------------------- */
    {"E0301", DIAG_ERROR,
     "path lacks a behaviour: that is customer service, not engagement",
     "Playing one or two notes well is customer service: expected, and a "
     "commodity.  Customer engagement needs all three behaviours on the path, "
     "SAY (advice and partnership), STAY (loyalty) and SPEND (revenue), in the "
     "business's order with the key behaviour last.  Add the missing ones, each "
     "with its note.",
     IMP_EMOTIONS BLANK CAFE
     "    path SAY -> STAY;\n"
     NOTE_SAY NOTE_STAY NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     CAFE_OK},

    {"E0302", DIAG_ERROR,
     "a behaviour appears twice on a path",
     "A path plays each of the three notes exactly once: the customer moves "
     "through SAY, STAY and SPEND in one order, the compiled machine has one "
     "stage per note, and the last one is the key behaviour.  A behaviour "
     "written twice makes the order ambiguous.  Keep it where it belongs; "
     "what the customer does with it later is scored by the events of its "
     "note.",
     IMP_EMOTIONS BLANK CAFE
     "    path SAY -> STAY -> SPEND -> SAY;\n"
     NOTE_SAY NOTE_STAY NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     CAFE_OK},

    {"E0303", DIAG_ERROR,
     "path violates its industry's `first` rule",
     "The experience is `for` an industry whose `first B` rule says which note "
     "every business of that kind opens with: a hotel makes you comfortable "
     "first (STAY), fast food takes the order first (SPEND), a hospital asks "
     "and listens first (SAY).  The path opens with another behaviour.  A "
     "`note:` line points at the rule.",
     IMP_EMOTIONS IMP_INDUSTRIES BLANK HOTEL
     "    path SAY -> STAY -> SPEND;\n"
     NOTE_STAY NOTE_SAY NOTE_SPEND EV_STAY EV_SAY EV_SPEND END,
     HOTEL_OK},

    {"E0304", DIAG_ERROR,
     "path violates its industry's `key` rule",
     "The key behaviour is the one the whole experience leads to, played last: "
     "engagement is reached when it completes.  The experience's industry "
     "names it with `key B`, and the path ends with another behaviour.  A "
     "`note:` line points at the rule.",
     IMP_EMOTIONS IMP_INDUSTRIES BLANK HOTEL
     "    path STAY -> SPEND -> SAY;\n"
     NOTE_STAY NOTE_SAY NOTE_SPEND EV_STAY EV_SAY EV_SPEND END,
     HOTEL_OK},

    {"E0305", DIAG_ERROR,
     "path violates an `A before B` rule",
     "The experience's industry says that behaviour A comes somewhere before "
     "behaviour B (a bank builds trust before it sells), and the path plays A "
     "after B.  A `note:` line points at the rule.",
     IMP_EMOTIONS BLANK
     "// A private bank listens first, and sells only to customers who stay.\n"
     "industry private_bank { first SAY; STAY before SPEND; }\n"
     BLANK
     "experience advisor for private_bank {\n"
     "    path SAY -> SPEND -> STAY;\n"
     NOTE_SAY NOTE_STAY NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK
     "// A private bank listens first, and sells only to customers who stay.\n"
     "industry private_bank { first SAY; STAY before SPEND; }\n"
     BLANK
     "experience advisor for private_bank {\n"
     "    path SAY -> STAY -> SPEND;\n"
     NOTE_SAY NOTE_STAY NOTE_SPEND EV_SAY EV_STAY EV_SPEND END},

    {"E0306", DIAG_ERROR,
     "experience has no `path`, or more than one",
     "The path is the order the experience plays its notes in; it is what the "
     "compiled state machine follows, so every experience states exactly one.",
     IMP_EMOTIONS BLANK CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY EV_SPEND END,
     CAFE_OK},

    {"E0307", DIAG_ERROR,
     "an industry's rules contradict each other (two different `first` or `key`, "
     "`first B` with `A before B`, `key A` with `A before B`, `A before A`, "
     "or a cycle of `before` rules)",
     "No path can obey all the rules of the industry: two different behaviours "
     "cannot both come first or both be the key, nothing comes before the first "
     "behaviour or after the key one, a behaviour cannot come before itself, "
     "`before` rules cannot go round in a circle, and since a path plays each "
     "behaviour once, the first behaviour cannot also be the key.  The rule "
     "that contradicts an earlier one is reported, with a `note:` line at the "
     "earlier one.  Experiences `for` such an industry are not judged against it, so "
     "the one mistake gives one error.",
     "// A boutique inspires first and sells last.\n"
     "industry boutique { first SAY; key SPEND; SPEND before STAY; }\n",
     "// A boutique inspires first and sells last.\n"
     "industry boutique { first SAY; key SPEND; STAY before SPEND; }\n"},

    /* ---- notes ------------------------------------------------------ */
    {"E0401", DIAG_ERROR,
     "a second `note` for the same behaviour",
     "A note fills the section of the path for one behaviour: its emotions, "
     "its three media and its threshold.  Each behaviour has one note; merge "
     "the two.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY
     "    note STAY  { evoke relaxation; }\n"
     NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY
     "    note STAY  { evoke comfort, relaxation; stage \"Sofas\"; system \"Free Wi-Fi\"; service \"No rush\"; }\n"
     NOTE_SPEND EV_SAY EV_STAY EV_SPEND END},

    {"E0402", DIAG_ERROR,
     "a behaviour on the path has no `note`",
     "Every behaviour the path plays needs a note: which emotions evoke it, the "
     "stage, system and service that create them, and the threshold a customer "
     "must reach to move on.  Without it that part of the experience is "
     "undesigned.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY
     EV_SAY EV_STAY EV_SPEND END,
     CAFE_OK},

    {"E0403", DIAG_ERROR,
     "an emotion in `evoke` evokes another behaviour than its note's",
     "Each emotion evokes one behaviour: comfort and relaxation make a customer "
     "STAY, excitement makes them SPEND, trust makes them SAY.  A note may only "
     "be filled with emotions that evoke its own behaviour.  A `note:` line "
     "points at the emotion's declaration.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY
     "    note STAY  { evoke comfort, excitement; stage \"Sofas\"; system \"Free Wi-Fi\"; service \"No rush\"; }\n"
     NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY
     "    note STAY  { evoke comfort, relaxation; stage \"Sofas\"; system \"Free Wi-Fi\"; service \"No rush\"; }\n"
     NOTE_SPEND EV_SAY EV_STAY EV_SPEND END},

    {"W0404", DIAG_WARNING,
     "a note does not name all three media (stage, system, service)",
     "Emotions are created through three media: the stage (the physical or "
     "digital setting), the system (processes and tools) and the service (what "
     "people do).  A note that leaves one out leaves that part of the "
     "experience to chance.  The message names the missing media.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY
     "    note SPEND { evoke excitement; stage \"Cakes\"; }\n"
     EV_SAY EV_STAY EV_SPEND END,
     CAFE_OK},

    {"E0405", DIAG_ERROR,
     "`threshold` not positive, or given twice in one note",
     "The threshold is the number of points a customer must earn on a note to "
     "move on to the next one (10 when not given).  It must be at least 1, or "
     "every customer would pass the note without any event; and a note has one "
     "threshold.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE
     "    note SAY   { evoke trust; stage \"Counter\"; system \"Menu app\"; service \"Listen\"; threshold 0; }\n"
     NOTE_STAY NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE
     "    note SAY   { evoke trust; stage \"Counter\"; system \"Menu app\"; service \"Listen\"; threshold 5; }\n"
     NOTE_STAY NOTE_SPEND EV_SAY EV_STAY EV_SPEND END},

    {"E0406", DIAG_ERROR,
     "a medium given twice in one note",
     "A note describes each medium (stage, system, service) once.  Write "
     "everything the stage does in one string.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY
     "    note STAY  { evoke comfort; stage \"Sofas\"; stage \"Garden\"; system \"Free Wi-Fi\"; service \"No rush\"; }\n"
     NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY
     "    note STAY  { evoke comfort; stage \"Sofas and a garden\"; system \"Free Wi-Fi\"; service \"No rush\"; }\n"
     NOTE_SPEND EV_SAY EV_STAY EV_SPEND END},

    {"E0407", DIAG_ERROR,
     "`within` or `reset after` given twice, a zero duration, or a `cap` below 1",
     "Time rules bound a journey in time.  `within D` restarts a journey that "
     "has not reached engagement D after its start, `reset after D` restarts "
     "one after a silence longer than D, and `cap C per P` on an event lets "
     "it count at most C times per period P of UTC time.  An experience has "
     "one window and one reset; every duration must be at least 1ms (a zero "
     "window would restart every journey, a zero period has no buckets), and "
     "a cap at least 1 (a cap of 0 is an event that never counts: remove it).",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     "    within 30d;\n"
     "    within 0s;\n"
     EV_SAY EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     "    within 30d;\n"
     "    reset after 7d;\n"
     EV_SAY EV_STAY
     "    event bought : SPEND excitement +10 cap 1 per 1d;\n"
     END},

    /* ---- events ----------------------------------------------------- */
    {"E0501", DIAG_ERROR,
     "an event's emotion evokes another behaviour than the event's note",
     "An event plays one note, and the emotion it names is the one the customer "
     "felt: it must evoke that note's behaviour.  A purchase made out of "
     "comfort is still a SPEND event, but the emotion behind it is then an "
     "emotion of SPEND (excitement, desire, ...), or none.  A `note:` line "
     "points at the emotion's declaration.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY
     "    event bought : SPEND comfort    +10;\n"
     END,
     CAFE_OK},

    {"E0502", DIAG_ERROR,
     "unknown touch point",
     "`at` places an event in the customer life cycle, whose touch points are "
     "marketing, sales, service and support.  Any other name is an error; "
     "when one of the four is close, the message suggests it.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     "    event saw_ad   : SAY trust         at marketing +2;\n"
     "    event asked    : SAY trust         at service   +8;\n"
     "    event stayed   : STAY comfort      at service   +10;\n"
     "    event bought   : SPEND excitement  at sale      +10;\n"
     "    event returned : STAY comfort      at support   +5;\n"
     END,
     CAFE_LIFE_CYCLE},

    {"E0503", DIAG_ERROR,
     "a note on the path can never complete: no event with positive points plays it",
     "A customer moves past a note only by earning its threshold in points, and "
     "only events with positive points earn any.  When no such event plays a "
     "note of the path, every customer stops there and no one is ever engaged.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY
     "    event price_shock : SPEND -5;\n"
     END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY EV_SPEND
     "    event price_shock : SPEND -5;\n"
     END},

    {"W0504", DIAG_WARNING,
     "an event with 0 points",
     "An event worth 0 points never changes a customer's score or moves them "
     "along the path; it only counts as an event.  Give it the points it is "
     "worth, negative for a bad experience, or leave it out.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY EV_SPEND
     "    event browsed : SPEND excitement 0;\n"
     END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY EV_SPEND
     "    event browsed : SPEND excitement +1;\n"
     END},

    {"W0505", DIAG_WARNING,
     "the experience uses `at`, yet some life-cycle stage has no event",
     "Once an experience places its events at touch points, it is expected to "
     "cover the whole customer life cycle: marketing, sales, service and "
     "support.  Any touch point can influence the business, so one without "
     "events is a blind spot.  The message names the stages that have none.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     "    event saw_ad : SAY trust        at marketing +2;\n"
     "    event asked  : SAY trust        at service   +8;\n"
     "    event stayed : STAY comfort     at service   +10;\n"
     "    event bought : SPEND excitement at sales     +10;\n"
     END,
     CAFE_LIFE_CYCLE},

    {"W0506", DIAG_WARNING,
     "an event's emotion evokes its note's behaviour but is not among that note's `evoke` emotions",
     "A note lists the emotions that fill it (`evoke`).  An event that names "
     "an emotion of the right behaviour which its note does not list fills "
     "the note with an emotion the script never planned for it: either the "
     "note forgot the emotion, or the event names the wrong one.  Add the "
     "emotion to the note's `evoke`, or name one the note evokes.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY
     "    event bought : SPEND delight    +10;\n"
     END,
     CAFE_OK},

    /* ---- the program ----------------------------------------------- */
    {"W0601", DIAG_WARNING,
     "an emotion declared in a file that also declares an experience, and used by no experience",
     "The emotion was declared next to an experience, for it, but no "
     "experience of the program evokes it or names it in an event.  Either a "
     "note forgot it or it is left over.  Emotions of files without an "
     "experience (libraries such as the stdlib) are never reported.",
     IMP_EMOTIONS BLANK
     "emotion awe evokes SPEND;\n"
     BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY NOTE_SPEND
     EV_SAY EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK
     "emotion awe evokes SPEND;\n"
     BLANK CAFE PATH_CAFE NOTE_SAY NOTE_STAY
     "    note SPEND { evoke excitement, awe; stage \"Cakes\"; system \"Tap to pay\"; service \"Suggest\"; }\n"
     EV_SAY EV_STAY EV_SPEND END},

    {"E0602", DIAG_ERROR,
     "`penalty early` negative or given twice",
     "`penalty early N` is the number of points a customer loses when a "
     "positive event arrives for a note they have not reached yet (buying "
     "before being made comfortable, in a hotel).  It is a loss, written as a "
     "non-negative number (0 when not given), and an experience has one.",
     IMP_EMOTIONS BLANK CAFE PATH_CAFE
     "    penalty early -2;\n"
     NOTE_SAY NOTE_STAY NOTE_SPEND EV_SAY EV_STAY EV_SPEND END,
     IMP_EMOTIONS BLANK CAFE PATH_CAFE
     "    penalty early 2;\n"
     NOTE_SAY NOTE_STAY NOTE_SPEND EV_SAY EV_STAY EV_SPEND END},
    /* ---- tests (`test` blocks, run by `expc test`) ---------------------- */
    {"E0701", DIAG_ERROR,
     "a test's experience is unknown, or the test has no `for` while several experiences are declared",
     "A test runs one experience: the one after `for`, or, when `for` is left "
     "out, the only experience the file and its imports declare.  The name "
     "after `for` must be an experience; with several experiences and no "
     "`for`, the test does not say which one it is about.",
     CAFE_OK
     "test \"one of each\" for caffe {\n"
     "    events asked, stayed, bought;\n"
     "    expect stage ENGAGED;\n"
     END,
     CAFE_OK
     "test \"one of each\" for cafe {\n"
     "    events asked, stayed, bought;\n"
     "    expect stage ENGAGED;\n"
     END},

    {"E0702", DIAG_ERROR,
     "a test plays an event its experience does not declare",
     "A test's `events` are the log of one customer: each is an event of the "
     "test's experience, by its declared name (a bare word) or by a name the "
     "log uses (a string: the name or one of its `as` aliases).  A name the "
     "experience does not declare would be skipped by `expc run`, so in a "
     "test it is a mistake; when a declared name is close, the message "
     "suggests it.",
     CAFE_OK
     "test \"one of each\" {\n"
     "    events asked, stayd, bought;\n"
     "    expect stage ENGAGED;\n"
     END,
     CAFE_OK
     "test \"one of each\" {\n"
     "    events asked, stayed, bought;\n"
     "    expect stage ENGAGED;\n"
     END},

    {"E0703", DIAG_ERROR,
     "an expectation that cannot hold",
     "`expect stage` names where the customer ends: a behaviour of the path "
     "(SAY, STAY, SPEND) or ENGAGED, in capitals.  A test expects each field "
     "(`score`, `stage`, `events`, `early`, each note's `points`) once: a "
     "second expectation of the same field would contradict the first or "
     "repeat it.  `events` and `early` count, so they are never negative.",
     CAFE_OK
     "test \"one of each\" {\n    events asked, stayed, bought;\n"
     "    expect stage Engaged;\n"
     END,
     CAFE_OK
     "test \"one of each\" {\n    events asked, stayed, bought;\n"
     "    expect stage ENGAGED;\n"
     END},

    {"E0704", DIAG_ERROR,
     "two tests of one experience with the same name",
     "Test results are reported by name (`PASS  cafe.exp:12: one of each`, "
     "JUnit test cases), so the tests of one experience need different names.",
     CAFE_OK
     "test \"engaged\" { events asked, stayed, bought; expect stage ENGAGED; }\n"
     "test \"engaged\" { events asked; expect stage STAY; }\n",
     CAFE_OK
     "test \"engaged\" { events asked, stayed, bought; expect stage ENGAGED; }\n"
     "test \"stays at STAY\" { events asked; expect stage STAY; }\n"},

    {"W0705", DIAG_WARNING,
     "a test with no `expect`: it asserts nothing",
     "A test without an `expect` passes whatever the experience makes of its "
     "events, so it proves nothing.  Say what the customer's final state must "
     "be: `expect score N;`, `expect stage B;` (or ENGAGED), `expect events "
     "N;`, `expect early N;`, `expect points B N;`.",
     CAFE_OK
     "test \"engaged\" { events asked, stayed, bought; }\n",
     CAFE_OK
     "test \"engaged\" { events asked, stayed, bought; expect stage ENGAGED; }\n"},
};

const size_t diag_code_count = sizeof diag_codes / sizeof diag_codes[0];
