-- Whether a voter group's workspace holds another group row in the campaign,
-- kept by the votes fold (functions/project_votes.sql), and the role sets of
-- such groups indexed by campaign.
--
-- Rule 5 can hide a role only in a workspace whose votes do not all share
-- it, so only in a workspace with two role sets or more. A page of the vote
-- list proves rule 6 takes no role off any record (RoleRemainderProof); a
-- role in no group of such a workspace is hidden by no published record, and
-- its remainder is then known from counts alone. At 100,000 workspaces a role
-- held by 10,000 workspaces of one role set each was decided from those
-- workspaces' groups: 42-90 ms of a first answer of 78-89 ms.
--
-- Monotone: once a workspace has two group rows it keeps them (a group whose
-- votes moved away stays at zero), so the flag never returns to false, and it
-- follows from which groups ever held a vote, not from where batches ended
-- (a replay sets it the same). Rows whose workspace lost all but one role set
-- keep it: the index then names a role set that hides nothing, which only
-- sends a page to the slower exact path.
ALTER TABLE voter_groups ADD COLUMN has_siblings boolean NOT NULL DEFAULT false;

UPDATE voter_groups g
   SET has_siblings = true
 WHERE EXISTS (SELECT FROM voter_groups o
                WHERE o.campaign_id = g.campaign_id AND o.workspace_id = g.workspace_id AND o.roles <> g.roles);

-- Partial: workspaces of one role set, which rule 5 never makes hide a role, are left out.
CREATE INDEX voter_groups_with_siblings ON voter_groups (campaign_id, roles) WHERE has_siblings;
