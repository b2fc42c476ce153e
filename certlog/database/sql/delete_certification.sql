-- A certification deleted (the log's rows go with it: ON DELETE CASCADE, which finds them by certification_id).
delete from public.peer_mentor_certifications where id = %(id)s;
