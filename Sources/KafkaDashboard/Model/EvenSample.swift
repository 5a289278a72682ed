/// Thinning a flood for the tail: the pane's own budget and a data source sampling before it hands
/// messages over use the same rule, so both keep every partition and the whole time span represented.
public enum EvenSample {
    /// At most `keep` elements, evenly spaced from the first; all of them when there are no more.
    public static func of<C: RandomAccessCollection>(_ elements: C, keeping keep: Int) -> [C.Element] {
        let count = elements.count
        guard keep < count else { return Array(elements) }
        guard keep > 0 else { return [] }
        let step = Double(count) / Double(keep)
        return (0..<keep).map { elements[elements.index(elements.startIndex, offsetBy: Int(Double($0) * step))] }
    }
}
