import Foundation
import Hummingbird

/// Builds the dashboard's HTML. Every piece of data goes through `escape`;
/// only the literal markup of the pages is written unescaped.
enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A query component or path segment.
    static func urlComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUnreserved) ?? ""
    }

    /// The NPS as a signed number ("+33", "−12.5"), never as a percentage.
    static func nps(_ score: Double?) -> String {
        guard let score else { return "no votes" }
        let rounded = (score * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
        return rounded > 0 ? "+" + text : text
    }

    static func interval(_ range: ClosedRange<Double>?) -> String {
        guard let range else { return "" }
        return "\(nps(range.lowerBound)) … \(nps(range.upperBound))"
    }

    static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(Date.ISO8601FormatStyle().year().month().day())
    }

    static func page(title: String, signedIn: Bool = true, _ body: String) -> Response {
        let signOut =
            signedIn
            ? #"<form method="post" action="/dashboard/sign-out" class="signout"><button>Sign out</button></form>"#
            : ""
        return document(
            title: "\(title) · NPS", stylesheet: stylesheet,
            """
            <header><a href="/" class="home">NPS dashboard</a>\(signOut)</header>
            <main><h1>\(escape(title))</h1>
            \(body)
            </main>
            """)
    }

    /// A whole page of the dashboard or a landing page: no scripts, no
    /// external assets (a strict Content-Security-Policy), never cached.
    /// `title` is escaped here; `body` is markup whose data the caller escaped.
    static func document(
        title: String, stylesheet: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:],
        _ body: String
    ) -> Response {
        let document = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
            <title>\(escape(title))</title>
            <style>\(stylesheet)</style></head>
            <body>\(body)</body></html>
            """
        var fields: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy:
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'",
            .cacheControl: "private, no-store",
        ]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: document)))
    }

    static let stylesheet = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
        header{display:flex;justify-content:space-between;align-items:center;padding:.6rem 1rem;background:#24344d}
        header a,header button{color:#fff;text-decoration:none;background:none;border:0;font:inherit;cursor:pointer}
        main{max-width:1100px;margin:0 auto;padding:1rem}
        h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{padding:.35rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .scroll{overflow-x:auto}
        .figure{font-size:2rem;font-weight:600}
        .muted{color:#666}.hidden-cell{color:#8a6d00}
        .promoter{color:#1b7f3b}.passive{color:#8a6d00}.detractor{color:#b42318}
        svg{max-width:100%;height:auto;background:#fff}
        nav.filters a{margin-right:.8rem}
        form.signin{max-width:28rem}form.signin input{width:100%;padding:.4rem;margin:.4rem 0}
        .comment{background:#fff;border-left:4px solid #ccc;padding:.4rem .6rem;margin:.4rem 0;white-space:pre-wrap}
        """
}

extension CharacterSet {
    /// RFC 3986 unreserved characters: everything else is percent-encoded.
    static let urlUnreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
