import Foundation

/// With `LADDER_TRACE` set, an append's or a replay's phases and their wall times, one line each on standard
/// error (`trace: rules 0.298 s`): where a slow batch spends its time, without a profiler.
/// Off, a mark is one branch.
public enum PhaseTrace {
    private static let on = ProcessInfo.processInfo.environment["LADDER_TRACE"] != nil
    nonisolated(unsafe) private static var last = Date()

    /// Whether phases are traced: a caller times a wait of its own only then.
    public static var isOn: Bool { on }

    /// Starts the clock (the first phase is timed from here).
    public static func start() { if on { last = Date() } }

    /// A wait inside a phase, timed by its caller (the phase's own line still counts it).
    public static func note(_ what: String, _ seconds: TimeInterval) {
        guard on else { return }
        FileHandle.standardError.write(Data(String(format: "trace: %@ %.3f s\n", what, seconds).utf8))
    }

    /// The phase that ends now, timed from the mark before it.
    public static func mark(_ phase: @autoclosure () -> String) {
        guard on else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "trace: %@ %.3f s\n", phase(), now.timeIntervalSince(last)).utf8))
        last = now
    }
}
