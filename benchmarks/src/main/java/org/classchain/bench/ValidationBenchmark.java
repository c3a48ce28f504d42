package org.classchain.bench;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.GenesisConfig;
import org.classchain.Grant;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.CodecException;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.validation.BlockValidator;
import org.classchain.core.validation.BranchContext;
import org.classchain.core.validation.ValidationException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full validation of received blocks per second on one thread, beside the bare signature rates
 * that bound it: Bouncy Castle's RFC 8032 Ed25519 verify (what the validator uses) and the JDK's
 * own Ed25519 verify, over the same grant-signing bytes.
 *
 * <p>One {@link #fullValidation} operation takes the next of {@link #POOL} distinct valid
 * blocks (each a child of genesis with its own grant) as bytes, decodes it with
 * {@link BlockCodec}, and runs {@link BlockValidator#checkIntrinsic} (header hash, proof of
 * work, payload hash, sizes) and {@link BlockValidator#checkInContext} (link, height, time,
 * difficulty, grant host, grant signature, batch hash, replay, command ids). The validator
 * remembers verified signatures by block hash, so a fresh validator is made every time the
 * pool comes round again: no operation ever hits that cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class ValidationBenchmark {

    static final int POOL = 4096;

    private final CanonicalJson json = new CanonicalJson();
    private final BlockCodec codec = new BlockCodec(json);
    private final Clock clock = Clock.systemUTC();
    private byte[][] encoded;
    private BranchContext context;
    private BlockValidator validator;
    private int next;
    private byte[] publicKey;
    private byte[] message;
    private byte[] signature;
    private Signature jdk;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        BenchChain chain = new BenchChain(new SecureRandom(), 1, System.currentTimeMillis() - 60_000);
        encoded = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            encoded[i] = codec.encode(chain.child(chain.genesis, 1000, Duration.ofMinutes(10)));
        }
        Block genesis = chain.genesis;
        GenesisConfig config = genesis.payload().genesis();
        Map<String, Account> accounts = Map.of(config.teacher().username(), config.teacher());
        context = new BranchContext() {
            @Override
            public Block parent() {
                return genesis;
            }

            @Override
            public GenesisConfig genesis() {
                return config;
            }

            @Override
            public Map<String, Account> accounts() {
                return accounts;
            }

            @Override
            public boolean grantUsed(UUID grantId) {
                return false;
            }

            @Override
            public boolean commandUsed(UUID commandId) {
                return false;
            }
        };
        try {
            Block one = codec.decode(encoded[0]);
            Grant g = one.payload().grant();
            message = SigningBytes.grant(g);
            signature = g.signature();
            publicKey = chain.teacherHost.publicKey().publicKey();
        } catch (CodecException e) {
            throw new IllegalStateException(e);
        }
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(publicKey))));
        jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(key);
        if (!Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length) || !jdkVerify()) {
            throw new IllegalStateException("the reference signature does not verify");
        }
    }

    /** Decode, intrinsic and in-context checks of a block never validated by this validator before. */
    @Benchmark
    public Block fullValidation() throws CodecException, ValidationException {
        if (next % POOL == 0) {
            validator = new BlockValidator(codec, clock);
        }
        Block b = codec.decode(encoded[next++ % POOL]);
        validator.checkIntrinsic(b);
        validator.checkInContext(b, context);
        return b;
    }

    /** The limit: one Bouncy Castle Ed25519 verify of a grant's signing bytes. */
    @Benchmark
    public boolean bouncyCastleVerify() {
        return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    /** Beside it: the JDK's own Ed25519 verify of the same bytes. */
    @Benchmark
    public boolean jdkVerify() throws GeneralSecurityException {
        jdk.update(message);
        return jdk.verify(signature);
    }
}
