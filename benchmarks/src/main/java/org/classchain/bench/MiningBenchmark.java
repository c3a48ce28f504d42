package org.classchain.bench;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Hash;
import org.classchain.Payload;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.HeaderCodec;
import org.classchain.core.mining.Miner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Mining attempts per second, one thread, four ways over the same 96-byte header of a real
 * one-command block: {@link Miner} (the nonce written into a pre-encoded buffer, the header's first
 * SHA-256 block digested once and its state copied for each attempt), a bare {@link MessageDigest}
 * loop doing exactly that and nothing else (the limit), a bare loop digesting the whole header each
 * attempt (two compressions: how the miner hashed before its midstate, b287b45), and the naive
 * way (a new header and the whole block re-serialised, header and canonical JSON payload, for
 * every attempt). Every score is attempts/s: one JMH operation is {@link #ATTEMPTS} attempts.
 *
 * <p>The miner's header asks for 64 leading zero bits, which no attempt meets in practice, and
 * its cancel flag answers true after {@link #ATTEMPTS} attempts ({@code Miner} polls it every
 * 4,096), so each call does exactly that many; {@link Miner#attempts()} is checked against it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class MiningBenchmark {

    /** Attempts per benchmark operation: 16 polls of the miner's cancel flag. */
    static final int ATTEMPTS = 1 << 16;
    private static final int UNREACHABLE_BITS = 64;
    /** The header bytes before the nonce's SHA-256 block. */
    private static final int MIDSTATE_BYTES = 64;

    private final CanonicalJson json = new CanonicalJson();
    private final BlockCodec codec = new BlockCodec(json);
    private Miner miner;
    private MessageDigest sha;
    private MessageDigest midstate;
    private BlockHeader template;
    private Payload payload;
    private byte[] buf;
    private final byte[] out = new byte[32];
    private long nonce;
    private int polls;
    private long expectedAttempts;

    @Setup(Level.Trial)
    public void setUp() throws NoSuchAlgorithmException {
        BenchChain chain = new BenchChain(new SecureRandom(), 1, System.currentTimeMillis());
        Instant now = Instant.now();
        payload = chain.granted(List.of(BenchChain.command(now, Duration.ofMinutes(10))), now);
        template = new BlockHeader(BlockHeader.CURRENT_VERSION, 1, chain.genesis.hash(), now.toEpochMilli(),
                codec.payloadHash(payload), UNREACHABLE_BITS, 0);
        miner = new Miner();
        sha = MessageDigest.getInstance("SHA-256");
        buf = HeaderCodec.encode(template);
        midstate = MessageDigest.getInstance("SHA-256");
        midstate.update(buf, 0, MIDSTATE_BYTES);
    }

    @Setup(Level.Iteration)
    public void checkMinerCount() {
        if (miner.attempts() != expectedAttempts) {
            throw new IllegalStateException("the miner made " + miner.attempts() + " attempts, expected "
                    + expectedAttempts + ": the benchmark would not measure attempts/s");
        }
    }

    /** The miner: {@link #ATTEMPTS} attempts through {@link Miner#mine}. */
    @Benchmark
    @OperationsPerInvocation(ATTEMPTS)
    public Object miner() {
        polls = 0;
        Object r = miner.mine(template.withNonce(nonce), () -> ++polls >= ATTEMPTS / 4096);
        nonce += ATTEMPTS;
        expectedAttempts += ATTEMPTS;
        return r;
    }

    /**
     * The limit: write the nonce into the header buffer, copy the first block's digest state,
     * digest the second block, check the first byte.
     */
    @Benchmark
    @OperationsPerInvocation(ATTEMPTS)
    public int bareDigest() throws DigestException, CloneNotSupportedException {
        byte[] b = buf;
        long n = nonce;
        int hits = 0;
        for (int i = 0; i < ATTEMPTS; i++, n++) {
            putLong(b, BlockHeader.NONCE_OFFSET, n);
            MessageDigest d = (MessageDigest) midstate.clone();
            d.update(b, MIDSTATE_BYTES, b.length - MIDSTATE_BYTES);
            d.digest(out, 0, 32);
            if (out[0] == 0) {
                hits++;
            }
        }
        nonce = n;
        return hits;
    }

    /** The whole header digested every attempt (two compressions): the miner's way before its midstate (b287b45). */
    @Benchmark
    @OperationsPerInvocation(ATTEMPTS)
    public int wholeHeaderDigest() throws DigestException {
        byte[] b = buf;
        long n = nonce;
        int hits = 0;
        for (int i = 0; i < ATTEMPTS; i++, n++) {
            putLong(b, BlockHeader.NONCE_OFFSET, n);
            sha.update(b, 0, b.length);
            sha.digest(out, 0, 32);
            if (out[0] == 0) {
                hits++;
            }
        }
        nonce = n;
        return hits;
    }

    /**
     * The naive way: each attempt builds the header with its nonce, re-serialises the whole block
     * (96-byte header and canonical JSON payload) and hashes the header part of those bytes.
     */
    @Benchmark
    @OperationsPerInvocation(ATTEMPTS / 64)
    public int naiveReserialise() throws DigestException {
        int hits = 0;
        for (int i = 0; i < ATTEMPTS / 64; i++) {
            BlockHeader h = template.withNonce(nonce++);
            byte[] bytes = codec.encode(new Block(h, payload, Hash.ZERO));
            sha.update(bytes, 0, BlockHeader.ENCODED_LENGTH);
            sha.digest(out, 0, 32);
            if (out[0] == 0) {
                hits++;
            }
        }
        return hits;
    }

    private static void putLong(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 56);
        b[off + 1] = (byte) (v >>> 48);
        b[off + 2] = (byte) (v >>> 40);
        b[off + 3] = (byte) (v >>> 32);
        b[off + 4] = (byte) (v >>> 24);
        b[off + 5] = (byte) (v >>> 16);
        b[off + 6] = (byte) (v >>> 8);
        b[off + 7] = (byte) v;
    }
}
