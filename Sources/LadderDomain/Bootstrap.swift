/// The events `ladder init` appends to a new ledger.
public enum Bootstrap {
    public static func events(admin: String, effective: Day) -> [Event] {
        let actor = Actor(id: admin, role: .systemAdmin)
        return [
            Event(seq: 0, id: "init:grant:\(admin)", type: .roleGranted, effective: effective, actor: actor,
                  values: [.text(admin), .text(Role.systemAdmin.rawValue), .absent]),
            Event(seq: 0, id: "init:policy", type: .policyAdopted, effective: effective, actor: actor,
                  values: [.object(Policy.standard.json)]),
        ]
    }
}
