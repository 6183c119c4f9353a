/// The banner a workspace shows for a campaign (Rocket.Chat's UiKit banner
/// view). Rocket.Chat overwrites the view's `appId` and `viewId`; the score
/// element itself carries `appId: "nps-core"` and the campaign id as its
/// `blockId`, which is how Rocket.Chat's NPS module routes the click to the
/// vote form.
public enum SurveyBanner {
    public static let defaultQuestion = "How likely are you to recommend us to a friend or colleague?"

    /// Rocket.Chat shows a banner to users having one of its roles, and to
    /// nobody when the list is empty; so the default names the roles every
    /// person in a workspace has.
    public static let defaultRoles = ["admin", "user"]

    public static func make(campaignID: String, question: String?) -> JSONValue {
        .object([
            "viewId": .string(""),
            "appId": .string(""),
            "variant": .string("neutral"),
            "blocks": .array([
                .object([
                    "type": .string("section"),
                    "text": .object([
                        "type": .string("plain_text"),
                        "text": .string(question ?? defaultQuestion),
                    ]),
                ]),
                .object([
                    "type": .string("actions"),
                    "blockId": .string(campaignID),
                    "elements": .array([
                        .object([
                            "type": .string("linear_scale"),
                            "appId": .string("nps-core"),
                            "blockId": .string(campaignID),
                            "actionId": .string("nps-banner"),
                            "minValue": .number(0),
                            "maxValue": .number(10),
                            "preLabel": .object(["type": .string("plain_text"), "text": .string("Not likely")]),
                            "postLabel": .object(["type": .string("plain_text"), "text": .string("Extremely likely")]),
                        ])
                    ]),
                ]),
            ]),
        ])
    }
}
