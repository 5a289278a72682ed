/// How many terminal columns text takes, the way a terminal (and glibc's `wcwidth`, which ncurses uses to
/// move its cursor) counts them: East Asian Wide and Fullwidth characters and emoji take two, combining
/// marks and format characters none, everything else one.
public enum DisplayWidth {
    /// East Asian Width W and F ranges (Unicode 15, plus the few glibc also counts wide), sorted, as closed
    /// ranges. Emoji are found through the standard library's Emoji_Presentation property instead.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693,
        0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE,
        0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA,
        0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728, 0x274C...0x274C,
        0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797, 0x27B0...0x27B0,
        0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x2FF0...0x2FFF, 0x3000...0x303E,
        0x3041...0x3096, 0x3099...0x30FF, 0x3105...0x312F, 0x3131...0x318E, 0x3190...0x31E3,
        0x31EF...0x321E, 0x3220...0xA48C, 0xA490...0xA4C6,
        0xA960...0xA97C, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE52,
        0xFE54...0xFE66, 0xFE68...0xFE6B, 0xFF01...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1, 0x17000...0x187F7, 0x18800...0x18CD5, 0x18D00...0x18D08,
        0x1AFF0...0x1AFF3, 0x1AFF5...0x1AFFB, 0x1AFFD...0x1AFFE, 0x1B000...0x1B122, 0x1B132...0x1B132,
        0x1B150...0x1B152, 0x1B155...0x1B155, 0x1B164...0x1B167, 0x1B170...0x1B2FB,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202,
        0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static let prependedConcatenationMarks: Set<UInt32> = [
        0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD,
    ]

    /// Columns one scalar takes on its own: 0, 1 or 2. Control characters count as 0; the canvas
    /// replaces them before drawing.
    @inline(__always)
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value >= 0x20 ? 1 : 0 }
        if value < 0xA0 { return 0 }
        if value < 0x300 { return 1 }  // Latin-1 and Latin Extended: always narrow
        // What the dashboard itself draws, every frame: dashes, quotes, bullets and the ellipsis
        // (U+2010-2027), and box drawing, block elements and geometric shapes (borders, bars,
        // sparklines, ● ▶ ▲; U+2500-25FC, before the two wide squares). All narrow, and looking
        // up their general category for every border cell was a tenth of a frame.
        if (0x2010...0x2027).contains(value) || (0x2500...0x25FC).contains(value) { return 1 }
        return slowWidth(scalar)
    }

    private static func slowWidth(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // Hangul medial vowels and final consonants combine with the preceding syllable.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        if value == 0x200B { return 0 }  // zero width space
        // Format characters that are nonetheless drawn (Arabic number signs and the like): glibc counts one.
        if prependedConcatenationMarks.contains(value) { return 1 }
        // Regional indicators pair up into flags, but glibc (so ncurses) counts each as one column.
        if (0x1F1E6...0x1F1FF).contains(value) { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if isWide(value) { return 2 }
        if value >= 0x1F000 && scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    private static func isWide(_ value: UInt32) -> Bool {
        guard value >= wideRanges[0].lowerBound else { return false }
        var low = 0, high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// A grapheme takes the width of its first scalar: combining marks, variation selectors and joined
    /// emoji parts ride along in the same cell, exactly as ncurses places a `cchar_t`.
    public static func of(_ character: Character) -> Int {
        of(character.unicodeScalars.first!)
    }

    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        var allASCII = true
        // Fast path for ASCII, which is nearly every Kafka topic name and most keys.
        for byte in text.utf8 {
            if byte >= 0x80 { allASCII = false; break }
            if byte >= 0x20 && byte < 0x7F { total += 1 }
        }
        if allASCII { return total }
        total = 0
        for character in text { total += of(character) }
        return total
    }
}
