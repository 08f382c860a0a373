/// Which rungs a source gets and at what size: never upscaled, measured by the short side.
///
/// Rungs above the source's short side are skipped. A source smaller than the smallest rung
/// still gets that one rung, at its own size. Dimensions are even (4:2:0 needs it) and keep
/// the displayed aspect ratio (sample aspect ratio and rotation applied; output pixels square).
struct LadderPlan: Equatable {
    struct Step: Equatable {
        var rung: VideoPreset.Rung
        var width: Int
        var height: Int
    }

    let steps: [Step]

    init(rungs: [VideoPreset.Rung], displayWidth: Int, displayHeight: Int) {
        let short = max(2, min(displayWidth, displayHeight))
        let long = max(2, max(displayWidth, displayHeight))
        let landscape = displayWidth >= displayHeight
        func step(_ rung: VideoPreset.Rung, shortSide: Int) -> Step {
            let scaledLong = Self.even(Double(long) * Double(shortSide) / Double(short))
            return landscape
                ? Step(rung: rung, width: scaledLong, height: shortSide)
                : Step(rung: rung, width: shortSide, height: scaledLong)
        }
        let fitting = rungs.filter { $0.shortSide <= short }
        if fitting.isEmpty, let smallest = rungs.first {
            steps = [step(smallest, shortSide: max(2, short - short % 2))]
        } else {
            steps = fitting.map { step($0, shortSide: $0.shortSide) }
        }
    }

    /// Nearest even integer, at least 2.
    static func even(_ value: Double) -> Int {
        max(2, Int((value / 2).rounded()) * 2)
    }
}
