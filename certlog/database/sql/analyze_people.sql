-- Statistics of the seeded people that do not depend on chance: with a statistics target of 200, ANALYZE's
-- sample is 60 000 rows (300 per unit of target), so up to that many rows every row is read and two runs
-- compute the same statistics. Above it ANALYZE samples at random.
set default_statistics_target = 200;
analyze public.users, public.peer_mentor_certifications;
reset default_statistics_target;
