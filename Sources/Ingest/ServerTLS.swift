import NIOSSL

/// `--tls-cert` / `--tls-key`: both receivers (and the scrape endpoint) speak TLS with this certificate
/// chain and key (PEM). Loaded once up front, so a bad file is an error before anything listens.
public struct ServerTLS: Sendable {
    public let certificatePath: String
    public let privateKeyPath: String
    let context: NIOSSLContext

    public init(certificatePath: String, privateKeyPath: String) throws(TLSSetupError) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw TLSSetupError(message: "--tls-cert \(certificatePath): not a readable PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw TLSSetupError(message: "--tls-cert \(certificatePath): no certificate in the file") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        } catch {
            throw TLSSetupError(message: "--tls-key \(privateKeyPath): not a readable PEM private key (\(error))")
        }
        do {
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                         privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(message: "--tls-cert/--tls-key: the key does not go with the certificate, or TLS cannot use them (\(error))")
        }
    }
}

public struct TLSSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
