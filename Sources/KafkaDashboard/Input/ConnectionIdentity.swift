/// Who and where the dashboard is connected as, for its header: the profile (with its colour),
/// whether the connection is TLS, the SASL mechanism and user, and READ-ONLY for a read-only
/// profile (which also sets `DashboardOptions.readOnly`). Never holds a secret.
public struct ConnectionIdentity: Sendable, Equatable {
    /// The profile's name, when one was used.
    public var profile: String?
    /// A colour name (`red`, `cyan`, ...) the profile's name is drawn in.
    public var color: String?
    public var tls = false
    /// `PLAIN`, `SCRAM-SHA-512`, `OAUTHBEARER`; nil without SASL.
    public var saslMechanism: String?
    /// The SASL user (or OAUTHBEARER principal) when known.
    public var user: String?
    public var readOnly = false

    public init(profile: String? = nil, color: String? = nil, tls: Bool = false, saslMechanism: String? = nil,
                user: String? = nil, readOnly: Bool = false) {
        self.profile = profile
        self.color = color
        self.tls = tls
        self.saslMechanism = saslMechanism
        self.user = user
        self.readOnly = readOnly
    }
}
