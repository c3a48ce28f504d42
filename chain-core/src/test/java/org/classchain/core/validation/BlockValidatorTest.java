package org.classchain.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.chain.ChainState;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.testing.Fixtures;
import org.classchain.core.store.MemoryBlockStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One test per rule: each forged or edge-case block is rejected and the rejection names the rule. */
class BlockValidatorTest {

    static final Instant NOW = Instant.ofEpochMilli(1_700_000_100_000L);

    Fixtures fx;
    ChainState chain;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixtures(42, 8);
        chain = ChainState.create(fx.genesis, new MemoryBlockStore(),
                new BlockValidator(fx.codec, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private ChainState.Result accept(Block b) {
        return chain.accept(b);
    }

    private void assertRejected(Block b, Rule rule) {
        ChainState.Result r = accept(b);
        assertThat(r.status()).as(r.reason()).isEqualTo(ChainState.Status.INVALID);
        assertThat(r.rule()).as(r.reason()).isEqualTo(rule);
        assertThat(r.reason()).startsWith(rule.name() + ": ").hasSizeGreaterThan(rule.name().length() + 5);
        assertThat(chain.contains(b.hash())).isFalse();
    }

    private List<Command> commands() {
        return List.of(Fixtures.command("message", NOW, Map.of("text", "hello")));
    }

    @Test
    void aValidChildIsAdded() {
        Block b = fx.child(fx.genesis);
        assertThat(accept(b).status()).isEqualTo(ChainState.Status.ADDED);
        assertThat(chain.head()).isEqualTo(b);
        assertThat(accept(b).status()).isEqualTo(ChainState.Status.DUPLICATE);
    }

    @Test
    void alteredPayloadIsRejected() {
        Block b = fx.child(fx.genesis);
        Payload other = fx.granted(commands(), NOW);
        assertRejected(new Block(b.header(), other, b.hash()), Rule.PAYLOAD_HASH);
    }

    @Test
    void alteredHeaderIsRejected() {
        Block b = fx.child(fx.genesis);
        BlockHeader h = b.header();
        assertRejected(new Block(new BlockHeader(h.version(), h.height(), h.previousHash(), h.timestampMillis() + 1,
                h.payloadHash(), h.difficultyBits(), h.nonce()), b.payload(), b.hash()), Rule.HASH);
    }

    @Test
    void insufficientWorkIsRejected() {
        Block b = fx.child(fx.genesis);
        // search for a nonce that does NOT meet the difficulty, and re-seal honestly
        for (long n = 0; ; n++) {
            BlockHeader h = b.header().withNonce(n);
            Block cheap = fx.codec.seal(h, b.payload());
            if (!org.classchain.core.mining.Difficulty.meets(cheap.hash().bytes(), fx.difficultyBits)) {
                assertRejected(cheap, Rule.PROOF_OF_WORK);
                return;
            }
        }
    }

    @Test
    void difficultyBelowGenesisIsRejected() {
        Fixtures easy = new Fixtures(42, 4);
        Block b = easy.child(fx.genesis, fx.granted(commands(), NOW));
        assertRejected(b, Rule.DIFFICULTY);
    }

    @Test
    void grantFromANonHostKeyIsRejected() {
        NodeIdentity student = NodeIdentity.generate(Fixtures.deterministic(5));
        Grant g = fx.grant(student, "teacher", Role.TEACHER, commands(), List.of(), NOW, fx.chainId);
        assertRejected(fx.child(fx.genesis, Payload.granted(commands(), g)), Rule.GRANT_HOST);
    }

    @Test
    void grantWithABadSignatureIsRejected() {
        List<Command> cmds = commands();
        Grant good = fx.grant(fx.teacherHost, "teacher", Role.TEACHER, cmds, List.of(), NOW, fx.chainId);
        byte[] sig = good.signature();
        sig[3] ^= 1;
        Grant forged = good.withSignature(sig);
        assertRejected(fx.child(fx.genesis, Payload.granted(cmds, forged)), Rule.GRANT_SIGNATURE);
    }

    @Test
    void grantForOtherCommandsIsRejected() {
        Grant g = fx.grant(fx.teacherHost, "teacher", Role.TEACHER, commands(), List.of(), NOW, fx.chainId);
        assertRejected(fx.child(fx.genesis, Payload.granted(commands(), g)), Rule.GRANT_COMMANDS);
    }

    @Test
    void aGrantReplayedAfterItselfIsOutOfItsPlace() {
        Payload p = fx.granted(commands(), NOW);
        Block first = fx.child(fx.genesis, p);
        assertThat(accept(first).status()).isEqualTo(ChainState.Status.ADDED);
        assertRejected(fx.child(first, p), Rule.GRANT_ORDER);
    }

    @Test
    void aGrantIsValidOnlyAfterTheGrantItFollows() {
        Payload a = fx.granted(commands(), NOW);
        Block first = fx.child(fx.genesis, a);
        Payload b = fx.granted(first, commands(), NOW);
        assertThat(accept(first).status()).isEqualTo(ChainState.Status.ADDED);
        // b follows a: not right after genesis, nor two blocks after a
        assertRejected(fx.child(fx.genesis, b), Rule.GRANT_ORDER);
        Block second = fx.child(first, b);
        assertThat(accept(second).status()).isEqualTo(ChainState.Status.ADDED);
        Payload c = fx.granted(second, commands(), NOW);
        assertRejected(fx.mine(2, first.hash(), first.header().timestampMillis() + 5, c), Rule.GRANT_ORDER);
    }

    @Test
    void anUnorderedGrantCannotFollowAnOrderedOne() {
        Block first = fx.child(fx.genesis, fx.granted(commands(), NOW));
        accept(first);
        List<Command> cmds = commands();
        Grant ordered = fx.grant(fx.teacherHost, "teacher", Role.TEACHER, cmds, List.of(), NOW, fx.chainId);
        Grant unsigned = new Grant(ordered.chainId(), ordered.username(), ordered.role(), ordered.commandsHash(),
                ordered.grantId(), ordered.issuedAt(), ordered.hostNodeId(), null, new byte[Grant.SIGNATURE_LENGTH]);
        Grant legacy = unsigned.withSignature(fx.teacherHost.sign(SigningBytes.grant(unsigned)));
        assertRejected(fx.child(first, Payload.granted(cmds, legacy)), Rule.GRANT_ORDER);
    }

    @Test
    void aSecondBlockOfAGrantIsKeptOnlyWhenABranchWithMoreWorkBuildsOnIt() {
        Payload p = fx.granted(commands(), NOW);
        Block first = fx.child(fx.genesis, p);
        Block sibling = fx.mine(1, fx.genesis.hash(), fx.genesis.header().timestampMillis() + 7, p);
        assertThat(accept(first).status()).isEqualTo(ChainState.Status.ADDED);
        assertThat(accept(sibling).status()).isEqualTo(ChainState.Status.COPY);
        assertThat(chain.blockCount()).isEqualTo(2);
        // the next grant, mined on the sibling (an honest relay whose clock stamped it otherwise)
        Block next = fx.child(sibling, fx.granted(sibling, commands(), NOW));
        assertThat(accept(next).status()).isEqualTo(ChainState.Status.ADDED);
        assertThat(chain.head()).isEqualTo(next);
        assertThat(chain.blockAt(1)).contains(sibling);
        assertThat(chain.orphanCount()).isZero();
    }

    @Test
    void replayedCommandUnderANewGrantIsRejected() {
        List<Command> cmds = commands();
        Block first = fx.child(fx.genesis, fx.granted(cmds, NOW));
        accept(first);
        assertRejected(fx.child(first, fx.granted(first, cmds, NOW)), Rule.COMMAND);
    }

    @Test
    void wrongChainIdIsRejected() {
        List<Command> cmds = commands();
        Grant g = fx.grant(fx.teacherHost, "teacher", Role.TEACHER, cmds, List.of(), NOW, "another-chain");
        assertRejected(fx.child(fx.genesis, Payload.granted(cmds, g)), Rule.GRANT_CHAIN);
    }

    @Test
    void studentGrantIsRejected() {
        List<Command> cmds = commands();
        Grant g = fx.grant(fx.teacherHost, "teacher", Role.STUDENT, cmds, List.of(), NOW, fx.chainId);
        assertRejected(fx.child(fx.genesis, Payload.granted(cmds, g)), Rule.GRANT_ROLE);
        Grant unknown = fx.grant(fx.teacherHost, "mallory", Role.TEACHER, cmds, List.of(), NOW, fx.chainId);
        assertRejected(fx.child(fx.genesis, Payload.granted(cmds, unknown)), Rule.GRANT_ROLE);
    }

    @Test
    void timestampFarInTheFutureIsRejected() {
        Payload p = fx.granted(commands(), NOW);
        long future = NOW.plus(Duration.ofMinutes(3)).toEpochMilli();
        assertRejected(fx.mine(1, fx.genesis.hash(), future, p), Rule.TIMESTAMP);
        assertRejected(fx.mine(1, fx.genesis.hash(), fx.genesis.header().timestampMillis() - 1, p), Rule.TIMESTAMP);
    }

    @Test
    void heightGapIsRejected() {
        Payload p = fx.granted(commands(), NOW);
        assertRejected(fx.mine(5, fx.genesis.hash(), fx.genesis.header().timestampMillis() + 10, p), Rule.HEIGHT);
    }

    @Test
    void secondGenesisIsRejected() {
        assertRejected(new Fixtures(43, 8).genesis, Rule.GENESIS);
    }

    @Test
    void commandOutlivingItsGrantIsRejected() {
        Command c = new Command(UUID.randomUUID(), "message", org.classchain.Target.all(), Map.of(),
                NOW.plus(Duration.ofDays(8)));
        assertRejected(fx.child(fx.genesis, fx.granted(List.of(c), NOW)), Rule.COMMAND);
    }

    @Test
    void accountUpdatesCannotCreateATeacher() {
        NodeIdentity backup = NodeIdentity.generate(Fixtures.deterministic(9));
        List<Account> accounts = List.of(new Account("mallory", Role.TEACHER, List.of(backup.publicKey())));
        Grant g = fx.grant(fx.teacherHost, "teacher", Role.TEACHER, List.of(), accounts, NOW, fx.chainId);
        assertRejected(fx.child(fx.genesis, new Payload(List.of(), accounts, g, null)), Rule.ACCOUNT);
    }

    @Test
    void aBackupHostAddedByTheTeacherMayGrant() {
        NodeIdentity backup = NodeIdentity.generate(Fixtures.deterministic(9));
        List<Account> accounts = List.of(new Account("teacher", Role.TEACHER,
                List.of(fx.teacherHost.publicKey(), backup.publicKey())));
        Grant g = fx.grant(fx.teacherHost, "teacher", Role.TEACHER, List.of(), accounts, NOW, fx.chainId);
        Block b1 = fx.child(fx.genesis, new Payload(List.of(), accounts, g, null));
        assertThat(accept(b1).status()).isEqualTo(ChainState.Status.ADDED);
        List<Command> cmds = commands();
        Grant byBackup = fx.grant(backup, "teacher", Role.TEACHER, cmds, List.of(), NOW, fx.chainId, Fixtures.grantOf(b1));
        assertThat(accept(fx.child(b1, Payload.granted(cmds, byBackup))).status()).isEqualTo(ChainState.Status.ADDED);
        // the same backup's grant is not valid on a branch that lacks the account update
        List<Command> other = commands();
        Grant early = fx.grant(backup, "teacher", Role.TEACHER, other, List.of(), NOW, fx.chainId);
        assertRejected(fx.mine(1, fx.genesis.hash(), fx.genesis.header().timestampMillis() + 3,
                Payload.granted(other, early)), Rule.GRANT_HOST);
    }

    @Test
    void aTeacherHostAddedByAnUnorderedGrantSignsNoOrderedGrant() {
        // an old data dir: the teacher signed in at a student's computer, which became a host
        NodeIdentity student = NodeIdentity.generate(Fixtures.deterministic(10));
        List<Account> accounts = List.of(new Account("teacher", Role.TEACHER,
                List.of(fx.teacherHost.publicKey(), student.publicKey())));
        Block b1 = fx.child(fx.genesis, new Payload(List.of(), accounts, legacy(fx.teacherHost, List.of(), accounts), null));
        assertThat(accept(b1).status()).isEqualTo(ChainState.Status.ADDED);
        // what it granted back then still validates (the stored chain loads) ...
        List<Command> old = commands();
        Block b2 = fx.child(b1, Payload.granted(old, legacy(student, old, List.of())));
        assertThat(accept(b2).status()).isEqualTo(ChainState.Status.ADDED);
        // ... but it grants nothing now, and it no longer counts as a host of the account
        List<Command> cmds = commands();
        Grant now = fx.grant(student, "teacher", Role.TEACHER, cmds, List.of(), NOW, fx.chainId, Fixtures.grantOf(b2));
        assertRejected(fx.child(b2, Payload.granted(cmds, now)), Rule.GRANT_HOST);
        assertThat(chain.accounts().get("teacher").isHostedBy(student.nodeId())).isFalse();
        assertThat(chain.retiredTeacherHosts()).containsExactly(student.nodeId());
        // while the teacher's own computer grants on
        assertThat(accept(fx.child(b2, fx.granted(b2, commands(), NOW))).status()).isEqualTo(ChainState.Status.ADDED);
    }

    /** A grant as hosts issued them before grants were ordered: it names no predecessor. */
    private Grant legacy(NodeIdentity host, List<Command> cmds, List<Account> accounts) {
        Grant unsigned = new Grant(fx.chainId, "teacher", Role.TEACHER, fx.json.batchHash(cmds, accounts), UUID.randomUUID(),
                NOW, host.nodeId(), null, new byte[Grant.SIGNATURE_LENGTH]);
        return unsigned.withSignature(host.sign(SigningBytes.grant(unsigned)));
    }
}
