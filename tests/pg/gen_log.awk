# gen_log.awk - a seeded event log for the PostgreSQL tests (t_pg.sh).
#
#   awk -v n=EVENTS -v customers=N -v seed=S -v names="a b c" -f gen_log.awk
#
# The examples' logs have a handful of customers; this one has enough that
# each shard holds many groups and ids that need CSV quoting: about 3 % hold
# a comma (`"Lindqvist, M. 17"`), 1 % a doubled quote (`"Guest ""VIP"" 5"`).
# Events are drawn from `names` (the experience's, from its extension) plus
# 5 % that it does not declare.  Only the suite compares the log with itself
# (expc run against PostgreSQL), so awk's own rand() is seed enough.
BEGIN {
    srand(seed)
    k = split(names, ev, " ")
    print "customer,event,ts"
    for (i = 1; i <= n; i++) {
        c = int(rand() * customers)
        r = rand()
        if (c % 31 == 7)
            id = "\"Lindqvist, M. " c "\""
        else if (c % 97 == 5)
            id = "\"Guest \"\"VIP\"\" " c "\""
        else
            id = "g" c
        e = rand() < 0.05 ? "minibar_opened" : ev[1 + int(r * k)]
        printf "%s,%s,%d\n", id, e, 1000 + i
    }
}
