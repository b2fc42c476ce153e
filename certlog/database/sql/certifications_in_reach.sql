-- The certifications within the notification rule's reach on a day (from the first warning's day to the end of
-- the catch-up after expiry), as the Edge Function reads them; the rule itself is applied to each by the caller.
select c.id as certification_id, c.peer_mentor_id as recipient_id, c.expires_on
from public.peer_mentor_certifications c
where c.expires_on between %(day)s::date - %(after)s::int and %(day)s::date + %(before)s::int
order by c.id;
