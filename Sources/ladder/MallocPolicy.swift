/// glibc's heap grows by 128 KiB at a time and gives memory back as soon as 128 KiB are free at its top.
/// A large append or a replay builds and frees a state of a hundred megabytes and more in a second, so the
/// heap shrank and grew again and again, and every page handed back was faulted in and zeroed anew. Growing
/// by 64 MiB (untouched pages cost nothing) and keeping up to 256 MiB free until the process ends (every
/// command is short-lived) took ~5,000 of the 33,000–47,000 page faults of a 100,000-event append, and
/// 2–4% of its wall time; peak memory unchanged (docs/performance.md, session 18).
enum MallocPolicy {
    static func apply() {
        #if os(Linux)
        _ = glibcMallopt(mTopPad, 64 << 20)
        _ = glibcMallopt(mTrimThreshold, 256 << 20)
        #endif
    }

    // <malloc.h>, which the Glibc module does not export: `int mallopt(int param, int value)`.
    private static let mTrimThreshold: Int32 = -1, mTopPad: Int32 = -2
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif
