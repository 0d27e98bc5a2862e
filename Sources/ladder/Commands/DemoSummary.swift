import Foundation
import LadderDemo
import LadderDomain
import LadderStore

/// The short report that ends `ladder demo`.
struct DemoSummary {
    let state: LedgerState
    let events: Int
    let seconds: Double
    let verify: VerifyReport
    let options: ProvinceDemo.Options

    var windows: [JSONValue] {
        let periods = Set(state.windows.keys.map(\.window)).sorted()
        return periods.map { p in
            let rows = state.quotaReport(p, unit: nil).arrayValue
            let apps = state.applications.values.filter { $0.window == p }
            return ["window": .string(p.description), "units": .int(Int64(state.windows.keys.filter { $0.window == p }.count)),
                    "applications": .int(Int64(apps.count)),
                    "seats": .int(rows.reduce(0) { $0 + ($1["seats"].intValue ?? 0) }),
                    "granted": .int(rows.reduce(0) { $0 + ($1["granted"].intValue ?? 0) }),
                    "revoked": .int(rows.reduce(0) { $0 + ($1["revoked"].intValue ?? 0) })]
        }
    }

    var json: JSONValue {
        let c = state.compliance(window: nil, unit: nil)
        return ["events": .int(Int64(events)), "seconds": .double((seconds * 1000).rounded() / 1000),
                "managers": .int(Int64(state.managers.count)), "units": .int(Int64(state.units.count)),
                "windows": .array(windows), "mix": c["mix"], "violations": .int(Int64(c["violations"].arrayValue.count)),
                "overrides": .int(Int64(c["overrides"].arrayValue.count)),
                "verify": ["ok": .bool(verify.ok), "events": .int(verify.events), "head": .string(verify.head)]]
    }

    func print() {
        let j = json
        Swift.print("demo province: \(state.units.count) units, \(state.managers.count) managers, \(options.years) years (seed \(options.seed))\n")
        var w = Table("window", "units", "applications", "seats", "granted", "revoked")
        for x in j["windows"].arrayValue { w.add(text(x["window"]), text(x["units"]), text(x["applications"]), text(x["seats"]), text(x["granted"]), text(x["revoked"])) }
        w.print()
        Swift.print("\ngrade mix of active managers against the policy's target:")
        let mix = j["mix"].arrayValue
        let grades = state.policies.last?.policy.ladder ?? []
        var m = Table(["unit"] + grades.map { g in "\(g) (target \(pct(mix.first { $0["grade"] == .string(g) }?["target"] ?? .null)))" })
        var byUnit: [String: [String: JSONValue]] = [:]
        for x in mix { byUnit[x["unit"].stringValue!, default: [:]][x["grade"].stringValue!] = x }
        for u in byUnit.keys.sorted(by: { ($0 == "*" ? "~" : $0) < ($1 == "*" ? "~" : $1) }) {
            let name = u == "*" ? "province total" : "\(u) \(state.units[u]?.name ?? "")"
            m.add([name] + grades.map { g in byUnit[u]?[g].map { "\($0["count"].intValue ?? 0) (\(pct($0["actual"])))" } ?? "—" })
        }
        m.print()
        Swift.print("\ncompliance: \(text(j["violations"])) violation(s), \(text(j["overrides"])) qualification override(s) on record")
        Swift.print("verify: \(verify.ok ? "ok" : "BROKEN"), \(verify.events) events, head \(verify.head)")
        Swift.print(String(format: "%d events in %.1f s (%.0f events/s)", events, seconds, Double(events) / max(seconds, 0.001)))
    }

    func pct(_ v: JSONValue) -> String { v.numberValue.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }
}
