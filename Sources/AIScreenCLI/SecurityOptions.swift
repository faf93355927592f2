import ArgumentParser
import Broker
import Foundation
import Journal
import RulePacks
import RulesEngine
import Security
import ZeroMQ

/// `--key` and `--broker-key` for the commands that connect to a broker (`submit`, `watch`, `worker`, `load`).
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: "Secret key file to connect with over CURVE (NAME.key_secret, mode 0600; overrides security.client_key).")
    var key: String?

    @Option(name: .long, help: "The broker's public key file (overrides security.broker_key; default <security.keys>/broker/broker.key).")
    var brokerKey: String?

    /// The CURVE keys to connect with, or nil for plaintext (no `--key` and no `security.client_key`).
    func clientKeys(_ deployment: DeploymentConfig) throws -> ClientKeys? {
        guard let secret = key ?? deployment.clientKey else { return nil }
        try requireCurve()
        let broker = brokerKey ?? deployment.brokerKey ?? KeyRing.paths(Principal(role: .broker, name: "broker"), in: deployment.keysDirectory).publicKey
        do {
            return try ClientKeys.read(secretKey: secret, brokerKey: broker)
        } catch {
            Console.error("error: \(error) — fix --key/--broker-key (or security.client_key/security.broker_key)")
            throw ExitCode.failure
        }
    }
}

/// Fails with a clear message when libzmq was built without CURVE.
func requireCurve() throws {
    guard ZMQCurve.isAvailable else {
        Console.error("error: this libzmq has no CURVE support (zmq_has(\"curve\") is false); install Debian's libzmq3-dev, which has it")
        throw ExitCode.failure
    }
}

/// Whether a plaintext endpoint is reachable only from this host.
func isLoopback(_ endpoint: String) -> Bool { isLoopbackEndpoint(endpoint) }

extension BrokerOptions {
    /// CURVE for the broker when its key pair exists in the key directory (every peer key is then checked at
    /// start-up, so a broken file stops it with the file's name); otherwise plaintext, allowed only on loopback
    /// unless `--insecure`. Returns the endpoints to bind: without CURVE the TCP worker endpoint stays closed
    /// (unless `--insecure`), so no other process can register as a worker.
    func security(_ deployment: DeploymentConfig, endpoints: inout BrokerEndpoints) throws -> BrokerSecurity? {
        let directory = deployment.keysDirectory
        let secretPath = KeyRing.brokerSecretPath(in: directory)
        let publicPath = KeyRing.paths(Principal(role: .broker, name: "broker"), in: directory).publicKey
        let files = FileManager.default
        if files.fileExists(atPath: secretPath) || files.fileExists(atPath: publicPath) {
            try requireCurve()
            do {
                let keys = try ServerKeys.read(directory: directory)
                let (ring, _) = try KeyRing.load(directory, strict: true)
                if ring.entries.isEmpty {
                    Console.error("warning: no peer keys under \(directory)/ yet: no client, worker or subscriber can connect until 'aiscreen keys generate' adds some")
                }
                return BrokerSecurity(serverKeys: keys, keyDirectory: directory)
            } catch {
                Console.error("error: \(error) — the broker does not start with a broken key directory (security.keys: \(directory))")
                throw ExitCode.failure
            }
        }
        if insecure { return nil }
        for (name, endpoint) in [("client", endpoints.client), ("publish", endpoints.publish)] where !isLoopback(endpoint) {
            Console.error("""
                error: the \(name) endpoint \(endpoint) is not loopback and has no CURVE keys: anyone who reaches it could \
                read or submit verdicts. Generate the broker's keys ('aiscreen keys generate --role broker') or pass \
                --insecure to accept that.
                """)
            throw ExitCode.failure
        }
        endpoints.worker = ""
        return nil
    }
}
