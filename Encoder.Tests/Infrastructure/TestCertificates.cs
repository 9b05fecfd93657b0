namespace Encoder.Tests.Infrastructure;

/// <summary>A server's certificate and key (PEM files), as nginx takes them.</summary>
public sealed record ServerCertificate(string CertificateFile, string KeyFile);

/// <summary>Certificate authorities made for a test with the openssl CLI: each a self-signed CA that can sign server certificates.</summary>
public sealed class TestCertificateAuthority
{
    private readonly string _directory;
    private readonly string _key;

    private TestCertificateAuthority(string directory, string name)
    {
        _directory = directory;
        _key = Path.Combine(directory, $"{name}.key");
        CertificateFile = Path.Combine(directory, $"{name}.crt");
    }

    /// <summary>The CA's certificate (PEM): what a client pins.</summary>
    public string CertificateFile { get; }

    public static async Task<TestCertificateAuthority> CreateAsync(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var ca = new TestCertificateAuthority(directory, name);
        await OpenSslAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", $"/CN={name}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", ca._key, "-out", ca.CertificateFile);
        return ca;
    }

    /// <summary>A server certificate this CA signs for <paramref name="subjectAltName"/> (e.g. <c>IP:127.0.0.1</c>).</summary>
    public async Task<ServerCertificate> IssueAsync(string name, string subjectAltName)
    {
        var key = Path.Combine(_directory, $"{name}.key");
        var request = Path.Combine(_directory, $"{name}.csr");
        var certificate = Path.Combine(_directory, $"{name}.crt");
        var extensions = Path.Combine(_directory, $"{name}.ext");
        await File.WriteAllTextAsync(extensions, $"subjectAltName={subjectAltName}\nextendedKeyUsage=serverAuth\n");
        await OpenSslAsync("req", "-newkey", "rsa:2048", "-nodes", "-subj", $"/CN={name}", "-keyout", key, "-out", request);
        await OpenSslAsync("x509", "-req", "-in", request, "-CA", CertificateFile, "-CAkey", _key, "-CAcreateserial", "-days", "2",
            "-extfile", extensions, "-out", certificate);
        return new ServerCertificate(certificate, key);
    }

    private static async Task OpenSslAsync(params string[] arguments)
    {
        var result = await Tool.RunAsync("openssl", arguments);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }
}
