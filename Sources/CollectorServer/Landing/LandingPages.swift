import Foundation
import Hummingbird
import NPSDomain

/// The landing page's HTML: one form, no scripts, no external assets. The
/// score is eleven radio buttons (styled as buttons) in a fieldset whose
/// legend is the question, so keyboards (arrows, space) and screen readers
/// use it as one labelled group; every field has a label; focus is visible.
enum LandingPages {
    /// What was typed, to fill the form again after an error.
    struct Entry: Sendable {
        var score: String?
        var reason = ""
        var firstName = ""
        var lastName = ""
        var email = ""
        var consent = false
    }

    /// The form field bots fill and people do not see.
    static let honeypotField = "website"

    static func form(
        campaignID: String, page: LandingPage, csrf: String, entry: Entry = Entry(), error: String? = nil,
        status: HTTPResponse.Status = .ok, headers: HTTPFields
    ) -> Response {
        let id = HTML.escape(campaignID)
        let problem =
            error.map { #"<p class="error" role="alert" id="form-error">\#(HTML.escape($0))</p>"# } ?? ""
        let scores = (0...10).map { score in
            let checked = entry.score == String(score) ? " checked" : ""
            return """
                <input type="radio" name="score" id="score-\(score)" value="\(score)" required\(checked)>\
                <label for="score-\(score)">\(score)</label>
                """
        }.joined()
        let reason =
            page.askReason
            ? """
            <p class="field"><label for="reason">\(HTML.escape(LandingPage.reasonQuestion)) <span class="muted">(optional)</span></label>
            <textarea id="reason" name="reason" rows="4" maxlength="\(Limits.commentLength)">\(HTML.escape(entry.reason))</textarea></p>
            """ : ""
        let contact =
            page.askContact
            ? """
            <fieldset class="contact"><legend>Your contact details <span class="muted">(optional)</span></legend>
            <p class="field"><label for="firstName">First name</label>
            <input id="firstName" name="firstName" autocomplete="given-name" maxlength="\(Limits.contactNameLength)" value="\(HTML.escape(entry.firstName))"></p>
            <p class="field"><label for="lastName">Last name</label>
            <input id="lastName" name="lastName" autocomplete="family-name" maxlength="\(Limits.contactNameLength)" value="\(HTML.escape(entry.lastName))"></p>
            <p class="field"><label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="email" maxlength="\(Limits.emailLength)" value="\(HTML.escape(entry.email))"></p>
            <p class="consent"><input type="checkbox" id="consent" name="consent" value="yes"\(entry.consent ? " checked" : "")>
            <label for="consent">\(HTML.escape(consentSentence))</label></p>
            </fieldset>
            """ : ""
        return shell(
            title: page.shownQuestion, status: status, headers: headers,
            """
            <h1 id="question">\(HTML.escape(page.shownQuestion))</h1>
            \(problem)
            <form method="post" action="/s/\(HTML.urlComponent(campaignID))" id="survey" data-campaign="\(id)">
            <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
            <fieldset class="scores"><legend>Your score, from 0 (not at all likely) to 10 (extremely likely)</legend>
            <p class="scale" aria-hidden="true"><span>0 · Not at all likely</span><span>10 · Extremely likely</span></p>
            <div class="buttons">\(scores)</div>
            </fieldset>
            \(reason)
            \(contact)
            <div class="hp" aria-hidden="true"><label for="\(honeypotField)">Leave this field empty</label>
            <input id="\(honeypotField)" name="\(honeypotField)" tabindex="-1" autocomplete="off"></div>
            <p><button type="submit" class="send">Send</button></p>
            </form>
            """)
    }

    static let consentSentence =
        "I agree that the team behind this survey may keep my name and email with my answer "
        + "and contact me about it. Without this box ticked, they are not kept."

    static func thanks(campaignID: String) -> Response {
        shell(
            title: "Thank you",
            """
            <h1>Thank you!</h1>
            <p id="thanks">Your answer has been recorded.</p>
            <p><a href="/s/\(HTML.urlComponent(campaignID))">Change your answer</a> (answering again replaces it).</p>
            """)
    }

    /// A page instead of an error: unknown or closed survey, refused form, too many answers.
    static func message(
        status: HTTPResponse.Status, title: String, _ text: String, headers: HTTPFields = [:]
    ) -> Response {
        shell(
            title: title, status: status, headers: headers,
            """
            <h1>\(HTML.escape(title))</h1>
            <p id="message">\(HTML.escape(text))</p>
            """)
    }

    private static func shell(
        title: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], _ body: String
    ) -> Response {
        HTML.document(
            title: title, stylesheet: stylesheet, status: status, headers: headers, "<main>\(body)</main>")
    }

    static let stylesheet = """
        body{font:17px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f4f5f7}
        main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem;background:#fff;min-height:100vh;box-sizing:border-box}
        h1{font-size:1.5rem}
        fieldset{border:0;padding:0;margin:0 0 1.5rem}
        legend{font-weight:600;margin-bottom:.4rem;padding:0}
        .scale{display:flex;justify-content:space-between;font-size:.85rem;color:#555;margin:.2rem 0}
        .buttons{display:grid;grid-template-columns:repeat(11,1fr);gap:.3rem}
        @media (max-width:30rem){.buttons{grid-template-columns:repeat(6,1fr)}}
        .buttons input{position:absolute;opacity:0;width:1px;height:1px;margin:0}
        .buttons label{display:block;text-align:center;padding:.7rem 0;border:2px solid #24344d;border-radius:.4rem;
        cursor:pointer;font-weight:600;min-width:2.2rem}
        .buttons input:checked+label{background:#24344d;color:#fff}
        .buttons input:focus-visible+label,input:focus-visible,textarea:focus-visible,button:focus-visible,a:focus-visible{
        outline:3px solid #c2410c;outline-offset:2px}
        .field label{display:block;font-weight:600;margin-bottom:.2rem}
        textarea,.field input{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #888;
        border-radius:.3rem}
        .consent{display:flex;gap:.5rem;align-items:flex-start}
        .consent input{width:1.2rem;height:1.2rem;margin-top:.2rem;flex:none}
        .send{font:inherit;font-weight:600;padding:.7rem 1.6rem;border:0;border-radius:.4rem;background:#24344d;color:#fff;
        cursor:pointer}
        .error{color:#b42318;font-weight:600}
        .muted{color:#555;font-weight:400}
        .hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
        """
}
