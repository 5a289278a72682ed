import Foundation

/// The app's only clock: the model gets time through tick events, never by reading this.
enum WallClock {
    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
