-- odd.sql - the reporting functions give tests/pg/odd.exp's text back byte
-- for byte (t_pg.sh), through C string literals and the server's encoding
-- conversion.  Prints "0:t 1:t 2:t 3:t", then "t".
CREATE EXTENSION "@P@";
SELECT string_agg(format('%s:%s', stage, ok), ' ' ORDER BY stage)
FROM (SELECT stage,
             concat_ws('|', coalesce(medium_stage, '-'), coalesce(medium_system, '-'),
                       coalesce(medium_service, '-'), evokes::text, threshold)
             = CASE stage
               WHEN 0 THEN E'Tür "zu" */ /* ??= back\\slash\ttab\nnewline 日本|x|y|{}|1'
               WHEN 1 THEN '-|-|-|{}|1'
               WHEN 2 THEN E'''; DROP TABLE x; --|$$ $body$|%s %d \\|{}|10'
               ELSE '-|-|-'
               END AS ok
      FROM @P@_stages()) s;
SELECT industry IS NULL AND script = 'odd.exp' AND penalty_early = 3
       AND path = '{SAY,STAY,SPEND}' AND experience = 'odd_one'
FROM @P@_about();
