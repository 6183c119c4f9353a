import Foundation
import NPSDomain

/// Charts drawn by the server as inline SVG. Each carries a `<title>` and a
/// `<desc>` and is followed on its page by a table with the same figures,
/// so the numbers are there without the picture.
enum SVGCharts {
    static func colour(_ category: NPSCategory?) -> String {
        switch category {
        case .promoter: "#1b7f3b"
        case .passive: "#d4a300"
        case .detractor: "#b42318"
        case nil: "#999"
        }
    }

    /// The 0–10 histogram, each bar coloured by its score's category.
    static func distribution(_ distribution: ScoreDistribution) -> String {
        let width = 440.0
        let height = 180.0
        let barWidth = width / 11
        let largest = Double(max(1, distribution.counts.max() ?? 1))
        var bars = ""
        for score in ScoreDistribution.scores {
            let count = distribution.count(of: score)
            let barHeight = (height - 40) * Double(count) / largest
            let x = Double(score) * barWidth
            let category = NPSCategory(score: score)
            bars += """
                <rect x="\(x + 3)" y="\(height - 20 - barHeight)" width="\(barWidth - 6)" height="\(barHeight)" \
                fill="\(colour(category))" data-score="\(score)" data-count="\(count)">\
                <title>score \(score): \(count) votes</title></rect>\
                <text x="\(x + barWidth / 2)" y="\(height - 5)" text-anchor="middle" font-size="11">\(score)</text>\
                <text x="\(x + barWidth / 2)" y="\(height - 24 - barHeight)" text-anchor="middle" font-size="10">\(count)</text>
                """
        }
        return """
            <svg role="img" id="distribution-chart" viewBox="0 0 \(width) \(height)" width="\(Int(width))" \
            xmlns="http://www.w3.org/2000/svg"><title>Votes per score, 0 to 10</title>\
            <desc>Detractors 0–6 in red, passives 7–8 in amber, promoters 9–10 in green.</desc>\(bars)</svg>
            """
    }

    /// One bar split into promoters, passives and detractors by their
    /// percentages (largest remainder, summing to 100).
    static func categories(_ summary: NPSSummary) -> String {
        let percentages = NPSStatistics.largestRemainderPercentages([
            summary.promoters, summary.passives, summary.detractors,
        ])
        let categories: [NPSCategory] = [.promoter, .passive, .detractor]
        var x = 0.0
        var parts = ""
        for (index, category) in categories.enumerated() {
            let width = Double(percentages[index]) * 4
            parts += """
                <rect x="\(x)" y="0" width="\(width)" height="28" fill="\(colour(category))" \
                data-category="\(category.rawValue)" data-percent="\(percentages[index])">\
                <title>\(category.rawValue)s \(percentages[index]) %</title></rect>
                """
            x += width
        }
        return """
            <svg role="img" id="category-bar" viewBox="0 0 400 28" width="400" xmlns="http://www.w3.org/2000/svg">\
            <title>Promoters \(percentages[0]) %, passives \(percentages[1]) %, detractors \(percentages[2]) %</title>\
            \(parts)</svg>
            """
    }

    struct TrendPoint {
        var label: String
        /// nil when withheld or without votes: drawn as a gap.
        var score: Double?
        var interval: ClosedRange<Double>?
    }

    /// NPS per campaign, in order, with its interval as a whisker, on the −100…+100 scale.
    static func trend(_ points: [TrendPoint], id: String = "trend-chart") -> String {
        let width = 600.0
        let height = 220.0
        let left = 40.0
        let step = points.count > 1 ? (width - left - 20) / Double(points.count - 1) : 0
        func y(_ score: Double) -> Double { 10 + (100 - score) / 200 * (height - 40) }
        var marks = """
            <line x1="\(left)" x2="\(width - 10)" y1="\(y(0))" y2="\(y(0))" stroke="#bbb"/>\
            <text x="4" y="\(y(100) + 4)" font-size="10">+100</text><text x="4" y="\(y(0) + 4)" font-size="10">0</text>\
            <text x="4" y="\(y(-100) + 4)" font-size="10">−100</text>
            """
        var line = ""
        for (index, point) in points.enumerated() {
            let x = left + 10 + Double(index) * step
            marks += """
                <text x="\(x)" y="\(height - 4)" text-anchor="middle" font-size="10">\(HTML.escape(point.label))</text>
                """
            guard let score = point.score else { continue }
            if let interval = point.interval {
                marks += """
                    <line x1="\(x)" x2="\(x)" y1="\(y(interval.upperBound))" y2="\(y(interval.lowerBound))" \
                    stroke="#24344d" stroke-width="2" opacity=".45"/>
                    """
            }
            marks += """
                <circle cx="\(x)" cy="\(y(score))" r="4" fill="#24344d" data-nps="\(score)">\
                <title>\(HTML.escape(point.label)): NPS \(HTML.nps(score))</title></circle>
                """
            line += (line.isEmpty ? "M" : "L") + "\(x),\(y(score)) "
        }
        return """
            <svg role="img" id="\(id)" viewBox="0 0 \(width) \(height)" width="\(Int(width))" \
            xmlns="http://www.w3.org/2000/svg"><title>NPS per campaign with its 95 % interval</title>\
            \(line.isEmpty ? "" : "<path d=\"\(line)\" fill=\"none\" stroke=\"#24344d\"/>")\(marks)</svg>
            """
    }

    /// Horizontal bars, one per step of the funnel, scaled to the first.
    static func funnel(_ steps: [(String, Int)]) -> String {
        let largest = Double(max(1, steps.map(\.1).max() ?? 1))
        var bars = ""
        for (index, (label, count)) in steps.enumerated() {
            let y = Double(index) * 26
            bars += """
                <text x="0" y="\(y + 17)" font-size="12">\(HTML.escape(label))</text>\
                <rect x="110" y="\(y + 4)" width="\(300 * Double(count) / largest)" height="18" fill="#4a6fa5"/>\
                <text x="\(115 + 300 * Double(count) / largest)" y="\(y + 17)" font-size="12">\(count)</text>
                """
        }
        return """
            <svg role="img" id="funnel-chart" viewBox="0 0 460 \(steps.count * 26 + 4)" width="460" \
            xmlns="http://www.w3.org/2000/svg"><title>Workspaces at each step of the campaign</title>\(bars)</svg>
            """
    }

    /// One bar per segment from 0 to its NPS, its interval as a whisker, and
    /// the campaign's NPS as a dashed reference line, on the −100…+100 scale.
    static func segments(_ points: [TrendPoint], reference: Double?) -> String {
        let left = 150.0
        let scale = 150.0
        func x(_ score: Double) -> Double { left + (score + 100) / 200 * 2 * scale }
        var marks = ""
        for (index, point) in points.enumerated() {
            let y = Double(index) * 24
            marks += """
                <text x="0" y="\(y + 16)" font-size="12">\(HTML.escape(point.label))</text>
                """
            guard let score = point.score else { continue }
            marks += """
                <rect x="\(min(x(0), x(score)))" y="\(y + 5)" width="\(abs(x(score) - x(0)))" height="14" \
                fill="\(score >= 0 ? "#4a6fa5" : "#b5523b")" data-nps="\(score)">\
                <title>\(HTML.escape(point.label)): NPS \(HTML.nps(score))</title></rect>
                """
            if let interval = point.interval {
                marks += """
                    <line x1="\(x(interval.lowerBound))" x2="\(x(interval.upperBound))" y1="\(y + 12)" y2="\(y + 12)" \
                    stroke="#24344d" stroke-width="2"/>
                    """
            }
        }
        let height = Double(points.count) * 24 + 20
        var axis = """
            <line x1="\(x(0))" x2="\(x(0))" y1="0" y2="\(height - 16)" stroke="#bbb"/>\
            <text x="\(x(-100))" y="\(height - 2)" font-size="10">−100</text>\
            <text x="\(x(0))" y="\(height - 2)" font-size="10" text-anchor="middle">0</text>\
            <text x="\(x(100))" y="\(height - 2)" font-size="10" text-anchor="end">+100</text>
            """
        if let reference {
            axis += """
                <line id="reference" x1="\(x(reference))" x2="\(x(reference))" y1="0" y2="\(height - 16)" \
                stroke="#24344d" stroke-dasharray="4 3"><title>The campaign: NPS \(HTML.nps(reference))</title></line>
                """
        }
        return """
            <svg role="img" id="segments-chart" viewBox="0 0 \(left + 2 * scale + 10) \(height)" \
            width="\(Int(left + 2 * scale + 10))" xmlns="http://www.w3.org/2000/svg">\
            <title>NPS per segment with its 95 % interval; dashed: the campaign</title>\(axis)\(marks)</svg>
            """
    }
}
