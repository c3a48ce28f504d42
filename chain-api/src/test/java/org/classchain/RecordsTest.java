package org.classchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.Test;

/** The checks in the API's records: what each refuses, what it copies, what it normalises. */
class RecordsTest {

    private static final NodeKey KEY = new NodeKey(new byte[32]);
    private static final Instant T = Instant.parse("2026-01-05T08:00:00.123456Z");

    private static Grant grant(byte[] signature) {
        return new Grant("chain", "teacher", Role.TEACHER, Hash.ZERO, UUID.randomUUID(), T, KEY.nodeId(), Grant.FIRST,
                signature);
    }

    @Test
    void anAccountNeedsAWellFormedNameAndATeacherNeedsAHost() {
        assertThat(new Account("a.b_c-9", Role.TEACHER, List.of(KEY)).isHostedBy(KEY.nodeId())).isTrue();
        assertThat(Account.isValidUsername("x".repeat(64))).isTrue();
        for (String bad : new String[] {"", "x".repeat(65), "al ice", "zoë", "a/b", null}) {
            assertThat(Account.isValidUsername(bad)).as(bad).isFalse();
            assertThatThrownBy(() -> new Account(bad, Role.STUDENT, List.of(KEY))).hasMessageStartingWith("a username is");
        }
        assertThatThrownBy(() -> new Account("t", Role.TEACHER, List.of()))
                .hasMessage("a TEACHER account needs at least one host key");
        assertThatThrownBy(() -> new Account("t", null, List.of(KEY))).isInstanceOf(NullPointerException.class);
        Account retired = Account.retired("bob");
        assertThat(retired.isRetired()).isTrue();
        assertThat(retired.role()).isEqualTo(Role.STUDENT);
        assertThat(retired.isHostedBy(KEY.nodeId())).isFalse();
    }

    @Test
    void anAccountsKeysAreCopied() {
        List<NodeKey> keys = new ArrayList<>(List.of(KEY));
        Account a = new Account("alice", Role.STUDENT, keys);
        keys.clear();
        assertThat(a.hostKeys()).containsExactly(KEY);
        assertThatThrownBy(() -> a.hostKeys().add(KEY)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anAttachmentHoldsAtMost64KiBAndCannotBeChanged() {
        byte[] bytes = {1, 2, 3};
        Attachment a = new Attachment("image/jpeg", bytes);
        bytes[0] = 9;
        a.content()[1] = 9;
        assertThat(a.content()).containsExactly(1, 2, 3);
        assertThat(a).isEqualTo(new Attachment("image/jpeg", new byte[] {1, 2, 3})).hasToString("Attachment[image/jpeg, 3 bytes]");
        assertThat(new Attachment("x", new byte[Attachment.MAX_BYTES]).content()).hasSize(65_536);
        assertThatThrownBy(() -> new Attachment("x", new byte[Attachment.MAX_BYTES + 1]))
                .hasMessage("an attachment holds at most 65536 bytes");
        assertThatThrownBy(() -> new Attachment(null, bytes)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aHeaderHasNoNegativeHeightAndChangesOnlyItsNonce() {
        BlockHeader h = new BlockHeader(BlockHeader.CURRENT_VERSION, 3, Hash.ZERO, 1L, Hash.ZERO, 12, 7);
        assertThat(h.withNonce(8)).isEqualTo(new BlockHeader(1, 3, Hash.ZERO, 1L, Hash.ZERO, 12, 8));
        assertThat(BlockHeader.ENCODED_LENGTH).isEqualTo(96);
        assertThat(BlockHeader.NONCE_OFFSET).isEqualTo(88);
        assertThatThrownBy(() -> new BlockHeader(1, -1, Hash.ZERO, 1L, Hash.ZERO, 12, 7)).hasMessage("height is negative");
        assertThatThrownBy(() -> new BlockHeader(1, 0, null, 1L, Hash.ZERO, 12, 7)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aCommandLivesBetweenAMillisecondAndSevenDays() {
        Command c = Command.create("message", Target.all(), Map.of("text", "hi"), T, Duration.ofMinutes(10));
        assertThat(c.notAfter()).isEqualTo(Instant.parse("2026-01-05T08:10:00.123Z"));
        assertThat(c.isExpiredAt(c.notAfter())).isFalse();
        assertThat(c.isExpiredAt(c.notAfter().plusMillis(1))).isTrue();
        assertThat(Command.create("m", Target.all(), Map.of(), T, Command.MAX_TTL).notAfter()).isAfter(T);
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), Command.MAX_TTL.plusMillis(1)}) {
            assertThatThrownBy(() -> Command.create("m", Target.all(), Map.of(), T, bad))
                    .hasMessageStartingWith("a command's time to live is between 1 ms and");
        }
    }

    @Test
    void aModuleNameIsLowerCaseAndStartsWithALetter() {
        for (String good : new String[] {"message", "close-apps", "a", "a" + "b".repeat(63)}) {
            assertThat(Command.isValidModuleName(good)).as(good).isTrue();
        }
        for (String bad : new String[] {"", "Message", "1st", "-x", "a_b", "a" + "b".repeat(64), null}) {
            assertThat(Command.isValidModuleName(bad)).as(bad).isFalse();
            assertThatThrownBy(() -> new Command(UUID.randomUUID(), bad, Target.all(), Map.of(), T))
                    .hasMessageStartingWith("a module name is 1-64");
        }
    }

    @Test
    void aGenesisFixesSaneValues() {
        Account teacher = new Account("teacher", Role.TEACHER, List.of(KEY));
        assertThat(new GenesisConfig("c", 32, teacher, List.of()).difficultyBits()).isEqualTo(32);
        assertThatThrownBy(() -> new GenesisConfig("c", 0, teacher, List.of())).hasMessage("difficulty bits are 1-32, not 0");
        assertThatThrownBy(() -> new GenesisConfig("c", 33, teacher, List.of())).hasMessage("difficulty bits are 1-32, not 33");
        assertThatThrownBy(() -> new GenesisConfig(" ", 8, teacher, List.of())).hasMessage("a chain id is 1-64 characters");
        assertThatThrownBy(() -> new GenesisConfig("c".repeat(65), 8, teacher, List.of()))
                .hasMessage("a chain id is 1-64 characters");
        assertThatThrownBy(() -> new GenesisConfig("c", 8, new Account("s", Role.STUDENT, List.of(KEY)), List.of()))
                .hasMessage("the genesis account must be a TEACHER");
    }

    @Test
    void aGrantHasA64ByteSignatureItKeepsToItself() {
        byte[] sig = new byte[Grant.SIGNATURE_LENGTH];
        Grant g = grant(sig);
        sig[0] = 1;
        g.signature()[1] = 1;
        assertThat(g.signature()).containsOnly(0);
        assertThat(g.issuedAt()).isEqualTo(Instant.parse("2026-01-05T08:00:00.123Z"));
        assertThat(g.isLegacy()).isFalse();
        byte[] other = new byte[Grant.SIGNATURE_LENGTH];
        other[5] = 5;
        Grant sealed = g.withSignature(other);
        assertThat(sealed.signature()).isEqualTo(other);
        assertThat(sealed).isNotEqualTo(g).isEqualTo(sealed.withSignature(other));
        assertThatThrownBy(() -> grant(new byte[63])).hasMessage("a grant signature has exactly 64 bytes");
        assertThatThrownBy(() -> grant(null)).hasMessage("a grant signature has exactly 64 bytes");
    }

    @Test
    void aHeadHasWorkAndComparesByIt() {
        Hash other = Hash.fromHex("ff".repeat(32));
        Head a = new Head(3, Hash.ZERO, 100);
        assertThat(a.isBetterThan(new Head(9, other, 99))).isTrue();
        assertThat(a.isBetterThan(new Head(1, other, 100))).as("a tie is never better").isFalse();
        assertThat(a.mayBeBetterThan(new Head(1, other, 100))).as("a tie with another head is worth a look").isTrue();
        assertThat(a.mayBeBetterThan(new Head(3, Hash.ZERO, 100))).isFalse();
        assertThatThrownBy(() -> new Head(-1, Hash.ZERO, 1)).hasMessage("a head has a height >= 0 and positive work");
        assertThatThrownBy(() -> new Head(0, Hash.ZERO, 0)).hasMessage("a head has a height >= 0 and positive work");
    }

    @Test
    void aPayloadIsEitherAGenesisOrAGrantedBatchWithDistinctIds() {
        Account teacher = new Account("teacher", Role.TEACHER, List.of(KEY));
        GenesisConfig config = new GenesisConfig("c", 8, teacher, List.of());
        assertThat(Payload.genesis(config).isGenesis()).isTrue();
        Command c = Command.create("m", Target.all(), Map.of(), T, Duration.ofMinutes(1));
        Grant g = grant(new byte[64]);
        assertThat(Payload.granted(List.of(c), g).isGenesis()).isFalse();
        assertThatThrownBy(() -> new Payload(List.of(c), List.of(), null, config))
                .hasMessage("a genesis payload carries the configuration only");
        assertThatThrownBy(() -> new Payload(List.of(), List.of(), g, config))
                .hasMessage("a genesis payload carries the configuration only");
        assertThatThrownBy(() -> Payload.granted(List.of(c), null)).hasMessage("a block after genesis needs a grant");
        assertThatThrownBy(() -> Payload.granted(List.of(c, c), g)).hasMessage("command id " + c.id() + " appears twice in one batch");
    }

    @Test
    void aReceiptCutsItsDetailAndKeepsItsSignature() {
        Receipt r = new Receipt(UUID.randomUUID(), KEY.nodeId(), KEY, ReceiptStatus.EXECUTED, "x".repeat(600), T, null, null);
        assertThat(r.detail()).hasSize(Receipt.MAX_DETAIL);
        assertThat(r.signature()).isEmpty();
        assertThat(r.at()).isEqualTo(Instant.parse("2026-01-05T08:00:00.123Z"));
        Receipt blank = new Receipt(UUID.randomUUID(), "p", KEY, ReceiptStatus.FAILED, null, T, null, new byte[] {1});
        assertThat(blank.detail()).isEmpty();
        blank.signature()[0] = 2;
        assertThat(blank.signature()).containsExactly(1);
        assertThatThrownBy(() -> new Receipt(null, "p", KEY, ReceiptStatus.FAILED, "", T, null, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void argumentsAreCheckedAgainstTheirSpecs() {
        List<ArgumentSpec> specs = List.of(
                ArgumentSpec.required("text", ArgumentType.STRING, "what to show"),
                ArgumentSpec.optional("seconds", ArgumentType.INTEGER, "10", "how long"),
                ArgumentSpec.optional("url", ArgumentType.URL, null, "where"));
        assertThat(ArgumentSpec.problems(specs, Map.of("text", "hi"))).isEmpty();
        assertThat(ArgumentSpec.problems(specs, Map.of("seconds", "ten", "colour", "red", "url", "ftp://x")))
                .containsExactlyInAnyOrder(
                        "unknown argument 'colour' (takes: seconds, text, url)",
                        "missing argument 'text' (what to show)",
                        "argument 'seconds' is not a whole number",
                        "argument 'url' is not an absolute http or https URL");
        assertThat(ArgumentType.BOOLEAN.problemWith("yes")).contains("is not true or false");
        assertThat(ArgumentType.BASE64.problemWith("***")).contains("is not base64");
        assertThat(ArgumentType.SHA256.problemWith("ab")).contains("is not 64 hex digits");
        assertThat(ArgumentType.SHA256.problemWith("AB".repeat(32))).isEmpty();
        assertThat(ArgumentType.URL.problemWith("http://[bad")).contains("is not a URL");
        assertThat(new ArgumentSpec("n", ArgumentType.LIST, false, null, null).description()).isEmpty();
    }

    @Test
    void anOutcomeHasADetailAndMayCarryAnAttachment() {
        assertThat(new Outcome(true, null, null).detail()).isEmpty();
        Attachment a = new Attachment("text/plain", new byte[] {1});
        Outcome o = Outcome.failed("no display").withAttachment(a);
        assertThat(o.success()).isFalse();
        assertThat(o.detail()).isEqualTo("no display");
        assertThat(o.attachment()).isEqualTo(a);
        assertThat(Outcome.executed("done").success()).isTrue();
    }
}
