-- Contact details a landing-page voter chose to leave (the page asked for
-- them and the consent box was ticked). Kept apart from the vote and never
-- in the event log: linked to the vote by its key (campaign, the campaign's
-- landing source `landing:{campaignId}`, voter identifier). Read only
-- through the admin API and the admin CLI; removed by purge_workspace of the
-- landing source. A vote cast again with new details replaces them.
CREATE TABLE landing_contacts (
    campaign_id   text NOT NULL,
    workspace_id  text NOT NULL,
    identifier    text NOT NULL,
    first_name    text,
    last_name     text,
    email         text,
    consented_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, workspace_id, identifier)
);

REVOKE ALL ON TABLE landing_contacts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON TABLE landing_contacts TO nps_app;
