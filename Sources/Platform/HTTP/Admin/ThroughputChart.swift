import Foundation

/// The overview's chart, drawn by the server as SVG: per minute, jobs that succeeded (green,
/// from the baseline up) and went dead (red, stacked on them), oldest minute on the left.
enum ThroughputChart {
    static let width = 600
    static let height = 140

    static func svg(_ minutes: [MinuteOutcomes]) -> String {
        let top = max(minutes.map { $0.succeeded + $0.dead }.max() ?? 0, 1)
        let plot = Double(height - 20)
        let slot = Double(width) / Double(max(minutes.count, 1))
        var bars = ""
        for (index, minute) in minutes.enumerated() {
            let x = Double(index) * slot + 1
            let good = plot * Double(minute.succeeded) / Double(top)
            let bad = plot * Double(minute.dead) / Double(top)
            let label = "\(OperatorLayout.time(minute.minute)): \(minute.succeeded) succeeded, \(minute.dead) dead"
            bars += "<g><title>\(Markup.escape(label))</title>"
            bars += rect(x: x, y: plot - good, width: slot - 2, height: good, fill: "#1a7f37")
            bars += rect(x: x, y: plot - good - bad, width: slot - 2, height: bad, fill: "#cf222e")
            bars += "</g>"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" role="img" aria-label="jobs per minute, last hour">\
            <line x1="0" y1="\(Int(plot))" x2="\(width)" y2="\(Int(plot))" stroke="#d8dee4"/>\(bars)\
            <text x="2" y="\(height - 4)" font-size="11" fill="#5b6670">60 min ago</text>\
            <text x="\(width - 2)" y="\(height - 4)" font-size="11" fill="#5b6670" text-anchor="end">now · peak \(top)/min</text></svg>
            """
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, fill: String) -> String {
        guard height > 0 else { return "" }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        return "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(max(width, 1)))\" height=\"\(number(height))\" fill=\"\(fill)\"/>"
    }
}
