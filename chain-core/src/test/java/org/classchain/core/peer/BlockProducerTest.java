package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.classchain.Block;
import org.classchain.Payload;
import org.classchain.core.chain.ChainState;
import org.classchain.core.chain.Reorg;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.testing.Fixtures;
import org.classchain.core.validation.BlockValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An accepted batch is never lost: when its block leaves the best chain, its owner mines it again. */
class BlockProducerTest {

    private final Fixtures fx = new Fixtures(5, 6);
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC);

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(end);
            Thread.sleep(10);
        }
    }

    @Test
    @Timeout(30)
    void aBatchWhosePlaceAnotherHostsGrantsTookIsGrantedAgainAtTheEnd() throws Exception {
        ChainState chain = ChainState.create(fx.genesis, new MemoryBlockStore(), new BlockValidator(fx.codec, clock));
        List<Block> mined = new CopyOnWriteArrayList<>();
        List<Payload> regranted = new CopyOnWriteArrayList<>();
        BlockProducer[] holder = new BlockProducer[1];
        BlockProducer.Regrants host = new BlockProducer.Regrants() {
            @Override
            public boolean grantedHere(org.classchain.Grant grant) {
                return true;
            }

            @Override
            public java.util.Optional<Payload> regrant(Payload batch) {
                // the host signs the same commands again, after the grant at the head
                Payload again = Payload.granted(batch.commands(), fx.grant(fx.teacherHost, "teacher",
                        org.classchain.Role.TEACHER, batch.commands(), List.of(), clock.instant(), fx.chainId,
                        Fixtures.grantOf(chain.head())));
                regranted.add(again);
                return java.util.Optional.of(again);
            }
        };
        BlockProducer producer = new BlockProducer(chain, fx.codec, clock, b -> {
            mined.add(b);
            ChainState.Result r = chain.accept(b);
            for (Reorg reorg : r.reorgs()) {
                reorg.detached().forEach(holder[0]::detached);
            }
            holder[0].headChanged();
            return r.status() == ChainState.Status.ADDED;
        }, host, org.classchain.core.exec.PeerThreads.dedicated().lane("miner", "test", false));
        holder[0] = producer;
        producer.start();
        try {
            Payload ours = fx.granted(List.of(Fixtures.command("record", clock.instant(), Map.of())), clock.instant());
            producer.enqueue(ours);
            await(() -> chain.heightOfGrant(ours.grant().grantId()).isPresent());
            Block oursBlock = mined.get(0);
            assertThat(oursBlock.height()).isEqualTo(1);

            // a heavier branch from genesis with other grants (another host, across a partition)
            Block a1 = fx.child(fx.genesis);
            Block a2 = fx.child(a1);
            ChainState.Result r = chain.acceptAll(List.of(a1, a2));
            assertThat(r.reorgs().stream().flatMap(reorg -> reorg.detached().stream()).toList()).containsExactly(oursBlock);
            assertThat(chain.head()).isEqualTo(a2);
            r.reorgs().forEach(reorg -> reorg.detached().forEach(producer::detached));
            producer.headChanged();

            // its grant cannot go anywhere now: it follows genesis, and the chain has moved on
            producer.sweep(0);
            await(() -> chain.heightOfCommand(ours.commands().get(0).id()).isPresent());
            assertThat(regranted).hasSize(1);
            assertThat(chain.heightOfCommand(ours.commands().get(0).id())).contains(3L);
            assertThat(chain.head().previousHash()).isEqualTo(a2.hash());
            assertThat(chain.heightOfGrant(ours.grant().grantId())).isEmpty();
        } finally {
            producer.close();
        }
    }

    @Test
    @Timeout(30)
    void aGrantedBatchNobodyMinedIsMinedByItsHostAfterTheGrace() throws Exception {
        ChainState chain = ChainState.create(fx.genesis, new MemoryBlockStore(), new BlockValidator(fx.codec, clock));
        BlockProducer producer = new BlockProducer(chain, fx.codec, Clock.systemUTC(),
                b -> chain.accept(b).status() == ChainState.Status.ADDED, "host");
        producer.start();
        try {
            Payload granted = fx.granted(List.of(Fixtures.command("record", clock.instant(), Map.of())), clock.instant());
            producer.remember(granted); // granted here, relayed elsewhere, and dropped by the relay
            producer.sweep(60_000);
            Thread.sleep(200);
            assertThat(chain.heightOfGrant(granted.grant().grantId())).as("not before the grace").isEmpty();
            producer.sweep(0);
            await(() -> chain.heightOfGrant(granted.grant().grantId()).isPresent());
        } finally {
            producer.close();
        }
    }
}
