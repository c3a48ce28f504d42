package org.classchain.core.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Hash;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.testing.Fixtures;

class CodecProperties {

    private final Fixtures fx = new Fixtures(7, 4);
    private final CanonicalJson json = fx.json;

    @Property
    void headerRoundTrips(@ForAll int version, @ForAll("heights") long height, @ForAll("hashes") Hash prev,
                          @ForAll long ts, @ForAll("hashes") Hash payloadHash, @ForAll int bits, @ForAll long nonce)
            throws Exception {
        BlockHeader h = new BlockHeader(version, height, prev, ts, payloadHash, bits, nonce);
        byte[] bytes = HeaderCodec.encode(h);
        assertThat(bytes).hasSize(BlockHeader.ENCODED_LENGTH);
        assertThat(HeaderCodec.decode(bytes, 0)).isEqualTo(h);
    }

    @Property
    void payloadRoundTripsAndIsCanonical(@ForAll("commandLists") List<Command> commands) throws Exception {
        Payload p = fx.granted(commands, Instant.ofEpochMilli(1_700_000_000_123L));
        byte[] bytes = json.encodePayload(p);
        Payload back = json.decodePayload(bytes);
        assertThat(back).isEqualTo(p);
        assertThat(json.encodePayload(back)).isEqualTo(bytes);
    }

    @Property
    void blockRoundTripsThroughBytes(@ForAll("commandLists") List<Command> commands) throws Exception {
        var block = fx.child(fx.genesis, fx.granted(commands, Instant.ofEpochMilli(1_700_000_001_000L)));
        var back = fx.codec.decode(fx.codec.encode(block));
        assertThat(back).isEqualTo(block);
        assertThat(back.hash()).isEqualTo(HeaderCodec.hash(block.header()));
    }

    @Property(tries = 200)
    void nonCanonicalFormsAreRejected(@ForAll("commandLists") List<Command> commands) {
        Payload p = fx.granted(commands, Instant.ofEpochMilli(1_700_000_000_000L));
        String text = new String(json.encodePayload(p), StandardCharsets.UTF_8);
        String spaced = text.replace(",", ", ");
        String reordered = "{\"commands\":" + text.substring(text.indexOf("\"commands\":") + 11, text.indexOf(",\"grant\":"))
                + ",\"accounts\":[]" + text.substring(text.indexOf(",\"grant\":")) ;
        assertThatThrownBy(() -> json.decodePayload(spaced.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> json.decodePayload(reordered.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("canonical");
    }

    @Property(tries = 300)
    void garbageNeverThrowsAnythingButCodecException(@ForAll byte[] garbage) {
        try {
            fx.codec.decode(garbage);
        } catch (CodecException expected) {
            return;
        }
        throw new AssertionError("garbage decoded");
    }

    @Provide
    Arbitrary<Long> heights() {
        return Arbitraries.longs().greaterOrEqual(0);
    }

    @Provide
    Arbitrary<Hash> hashes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32).map(Hash::new);
    }

    @Provide
    Arbitrary<List<Command>> commandLists() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(20)
                .filter(s -> s.codePoints().allMatch(cp -> !Character.isSurrogate((char) cp)));
        Arbitrary<Map<String, String>> args = Arbitraries.maps(text, text).ofMaxSize(4);
        Arbitrary<Target> target = Arbitraries.oneOf(
                Arbitraries.just(Target.all()),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).list().ofMinSize(1).ofMaxSize(3)
                        .map(v -> new Target(Target.Kind.USERS, v)),
                Arbitraries.of(Role.class).map(Target::role));
        Arbitrary<Command> command = Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12), target, args,
                Arbitraries.longs().between(0, 4_000_000_000_000L))
                .as((m, t, a, na) -> new Command(UUID.randomUUID(), m, t, a, Instant.ofEpochMilli(na)));
        return command.list().ofMaxSize(5);
    }
}
