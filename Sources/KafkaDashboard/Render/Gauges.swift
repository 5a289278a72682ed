/// Bars and sparklines, drawn straight into the canvas cell by cell (no intermediate strings).
enum Gauges {
    /// A horizontal bar `width` cells wide filled to `fraction` (0...1), in eighths of a cell where the glyphs
    /// allow it. The colour says how full: low, mid (over half) or high (85% and over).
    static func bar(
        fraction: Double, x: Int, y: Int, width: Int, theme: Theme, into canvas: inout Canvas
    ) {
        guard width > 0 else { return }
        let clamped = min(1, max(0, fraction.isNaN ? 0 : fraction))
        let role: ThemeRole = clamped >= 0.85 ? .barHigh : clamped >= 0.5 ? .barMid : .barLow
        let eighths = Int((clamped * Double(width) * 8).rounded())
        let glyphs = canvas.glyphs
        let narrow = canvas.narrowGlyphs
        let emptyStyle = theme[.barEmpty], fillStyle = theme[role]
        for cell in 0..<width {
            let filled = min(8, max(0, eighths - cell * 8))
            let glyph = glyphs.barEighths[filled]
            if filled == 0 || glyph == " " {
                canvas.put(glyphs.barEmpty, narrow: narrow.barEmpty, x: x + cell, y: y, style: emptyStyle)
            } else {
                canvas.put(glyph, narrow: narrow.barEighths[filled], x: x + cell, y: y, style: fillStyle)
            }
        }
    }

    /// The newest `width` one-second samples, oldest on the left, scaled to the largest shown.
    /// Seconds before the history began stay blank; a zero rate is the lowest level, so an idle
    /// partition reads as a flat line rather than as missing data.
    static func sparkline(
        _ samples: RateSamples?, x: Int, y: Int, width: Int, style: Style, into canvas: inout Canvas
    ) {
        guard width > 0, let samples else { return }
        let levels = canvas.glyphs.sparkLevels
        let scalars = canvas.narrowGlyphs.sparkLevels
        let shown = min(width, samples.count)
        let maximum = samples.maximum(ofNewest: shown)
        for i in 0..<shown {
            guard let value = samples.sample(back: shown - 1 - i) else { continue }
            let level = min(levels.count - 1, max(0, maximum > 0 ? Int((value / maximum) * Float(levels.count - 1)) : 0))
            let column = x + width - shown + i
            canvas.put(levels[level], narrow: scalars[level], x: column, y: y, style: style)
        }
    }
}
