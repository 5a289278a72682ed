import Testing

@testable import KafkaFast

/// SCRAM against RFC 7677's published exchange, and the checks a client must make of a server.
@Suite struct ScramClientTests {
    static let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"

    func client(_ hash: ScramClient.Hash = .sha256) -> ScramClient {
        ScramClient(hash: hash, username: "user", password: Secret("pencil"), clientNonce: "rOprNGfwEbeRWgbNEkqO")
    }

    @Test func rfc7677KnownAnswer() throws {
        var scram = client()
        #expect(scram.clientFirstMessage == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let final = try scram.clientFinalMessage(serverFirst: Self.serverFirst)
        #expect(final == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        try scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    }

    @Test func aForgedServerSignatureIsRefused() throws {
        var scram = client()
        _ = try scram.clientFinalMessage(serverFirst: Self.serverFirst)
        #expect(throws: ScramError.self) { try scram.verifyServerFinal("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=") }
        #expect(throws: ScramError.self) { try scram.verifyServerFinal("e=invalid-proof") }
    }

    @Test func serverFirstMustExtendOurNonceAndUseSaneIterations() {
        var scram = client()
        #expect(throws: ScramError.self) { try scram.clientFinalMessage(serverFirst: "r=someoneElse123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096") }
        #expect(throws: ScramError.self) { try scram.clientFinalMessage(serverFirst: "r=rOprNGfwEbeRWgbNEkqO%x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1024") }
        #expect(throws: ScramError.self) { try scram.clientFinalMessage(serverFirst: "r=rOprNGfwEbeRWgbNEkqO%x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999") }
        #expect(throws: ScramError.self) { try scram.clientFinalMessage(serverFirst: "e=unknown-user") }
        #expect(throws: ScramError.self) { try scram.clientFinalMessage(serverFirst: "garbage") }
    }

    /// PBKDF2-HMAC-SHA-512 against a value computed by Python's hashlib.pbkdf2_hmac("sha512", b"pencil", salt, 4096).
    @Test func pbkdf2Sha512MatchesHashlib() {
        let salt = Base64.decode("W22ZaJ0SNY7soEsUEjb6gQ==")!
        let key = ScramClient.pbkdf2(.sha512, password: Array("pencil".utf8), salt: salt, iterations: 4096)
        #expect(Base64.encode(key)
            == "8W7+G+Z/HQlQLr1e2SYv3f+6Wjd6tPC2h+XtW6D1Boa4pK4WZHbairO5UdL6kji2OZj0VGG8M6RkgUlJzsljHQ==")
    }

    @Test func userNamesWithCommasAndEqualsAreEscaped() {
        #expect(ScramClient.escape("a=b,c") == "a=3Db=2Cc")
    }

    @Test func base64RoundTripsEveryLength() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, urlSafe: true)) == bytes)
        }
        #expect(Base64.decode("not base64!") == nil)
    }
}
