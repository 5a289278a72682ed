import CNcursesw
import Testing

@testable import KafkaDashboard

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct DisplayWidthTests {
    @Test func asciiIsOneColumnPerCharacter() {
        #expect(DisplayWidth.of("orders-v2") == 9)
        #expect(DisplayWidth.of("") == 0)
    }

    @Test func eastAsianWideAndFullwidthTakeTwoColumns() {
        #expect(DisplayWidth.of("キー") == 4)
        #expect(DisplayWidth.of("値") == 2)
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("ＡＢ") == 4)  // fullwidth Latin
        #expect(DisplayWidth.of("、。") == 4)  // CJK punctuation
    }

    @Test func emojiTakeTwoColumnsAndJoinedSequencesStayOneCharacter() {
        #expect(DisplayWidth.of("🙂") == 2)
        #expect(DisplayWidth.of("値🙂") == 4)
        #expect(DisplayWidth.of("👍🏽") == 2)  // skin tone modifier rides along
        #expect(DisplayWidth.of("👨‍👩‍👧") == 2)  // zero-width joiner sequence
    }

    @Test func combiningMarksAndFormatCharactersTakeNoColumns() {
        #expect(DisplayWidth.of("e\u{301}") == 1)  // e + combining acute
        #expect(DisplayWidth.of(Unicode.Scalar(0x301)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x200B)!) == 0)  // zero width space
        #expect(DisplayWidth.of(Unicode.Scalar(0xFE0F)!) == 0)  // variation selector
        #expect(DisplayWidth.of(Unicode.Scalar(0x1160)!) == 0)  // Hangul medial vowel
    }

    @Test func narrowSymbolsStayNarrow() {
        #expect(DisplayWidth.of("→…│█▁é") == 6)
    }

    /// ncurses advances its cursor by glibc's wcwidth, so the two must agree on what the dashboard draws.
    @Test func agreesWithTheCLibraryOnRepresentativeCharacters() throws {
        guard setlocale(LC_ALL, "C.UTF-8") != nil else { return }
        let samples: [UInt32] = [
            0x41, 0xE9, 0x301, 0x2192, 0x2026, 0x2502, 0x2588, 0x2581, 0x231A, 0x2614, 0x3042, 0x30AD, 0x30FC,
            0x4E00, 0x5024, 0x9FFF, 0xAC00, 0xD7A3, 0xFF21, 0xFF61, 0xFE0F, 0x200B, 0x1F642, 0x1F44D,
            0x1F680, 0x20000, 0x1160,
        ]
        for value in samples {
            let scalar = Unicode.Scalar(value)!
            let expected = max(0, Int(kf_wcwidth(wchar_t(bitPattern: value))))
            #expect(DisplayWidth.of(scalar) == expected, "U+\(String(value, radix: 16))")
        }
    }

    /// Every scalar glibc knows, up to U+3FFFF. A few may differ where glibc and Swift follow different
    /// Unicode versions (U+1171E, Mn in one and Mc in the other, on Debian 12); more means the table broke.
    @Test func agreesWithTheCLibraryAlmostEverywhere() {
        guard setlocale(LC_ALL, "C.UTF-8") != nil else { return }
        var mismatches: [String] = []
        for value in UInt32(0x20)...UInt32(0x3FFFF) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = Int(kf_wcwidth(wchar_t(bitPattern: value)))
            if expected < 0 { continue }  // unassigned, or a control character
            if DisplayWidth.of(scalar) != expected { mismatches.append("U+\(String(value, radix: 16))") }
        }
        #expect(mismatches.count <= 8, "\(mismatches.prefix(40))")
    }
}
