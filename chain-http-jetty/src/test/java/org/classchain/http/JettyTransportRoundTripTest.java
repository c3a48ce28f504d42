package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.Head;
import org.classchain.ModuleInfo;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.Receipt;
import org.classchain.Role;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.wire.Message;
import org.classchain.wire.Message.Ack;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthRelay;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.BlockAnnouncement;
import org.classchain.wire.Message.Blocks;
import org.classchain.wire.Message.CommandReply;
import org.classchain.wire.Message.GetBlock;
import org.classchain.wire.Message.GetBlocks;
import org.classchain.wire.Message.GetCommand;
import org.classchain.wire.Message.GetHead;
import org.classchain.wire.Message.GetModules;
import org.classchain.wire.Message.GetPeers;
import org.classchain.wire.Message.GetStatus;
import org.classchain.wire.Message.GrantIssued;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.HeadReply;
import org.classchain.wire.Message.Hello;
import org.classchain.wire.Message.LoginRequest;
import org.classchain.wire.Message.ModulesReply;
import org.classchain.wire.Message.PeersReply;
import org.classchain.wire.Message.Receipts;
import org.classchain.wire.Message.Rejected;
import org.classchain.wire.Message.StatusReply;
import org.classchain.wire.Message.SubmitBatch;
import org.classchain.wire.Message.Submitted;
import org.classchain.wire.Message.Welcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every message type sent through a real Jetty server to a stub handler and back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JettyTransportRoundTripTest {

    private final TestData data = new TestData(42);
    private final StubHandler stub = new StubHandler();
    private JettyTransport server;
    private JettyTransport client;

    @BeforeAll
    void start() throws Exception {
        server = JettyTransport.builder().host("127.0.0.1").port(0).noRateLimit().build();
        server.start(stub);
        client = JettyTransport.builder().requestTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    void stop() {
        client.close();
        server.close();
    }

    Stream<Arguments> exchanges() {
        List<Command> commands = data.commands();
        Block block = data.block(7, data.hash());
        Head head = new Head(7, block.hash(), 1024);
        GrantRequest grantRequest = new GrantRequest("teacher.t", "sess-1", 3, commands, List.of(data.account()),
                data.bytes(32));
        GrantRequest noAccounts = new GrantRequest("teacher.t", "sess-1", 4, commands, List.of(), data.bytes(32));
        AuthStart start = new AuthStart("teacher.t", data.bytes(256));
        AuthChallenge challenge = new AuthChallenge("sess-1", data.bytes(16), 120_000, data.bytes(256));
        AuthFinish finish = new AuthFinish("teacher.t", "sess-1", data.bytes(32));
        AuthConfirmed confirmed = new AuthConfirmed(data.bytes(32), Role.TEACHER, TestData.NOW.plusSeconds(1800));
        LoginRequest login = new LoginRequest("alice", "sess-2", 1, "0011223344556677aabb", data.bytes(32));
        GrantIssued issued = new GrantIssued(data.grant(commands, List.of()));
        Receipt big = data.receipt(true);
        Receipt small = data.receipt(false);
        PeerStatus status = new PeerStatus(Role.STUDENT, "0011223344556677aabb", new org.classchain.NodeKey(new byte[32]), "http://127.0.0.1:9001", "chain-1", 7,
                block.hash(), List.of("http://127.0.0.1:9002"), List.of("alice"), -1500);
        ModuleInfo module = new ModuleInfo("blackout", "Blacks out the screen",
                List.of(ArgumentSpec.required("seconds", ArgumentType.INTEGER, "how long"),
                        ArgumentSpec.optional("colour", ArgumentType.STRING, "black", null)), "classpath", true);
        PeerInfo peer = new PeerInfo("0011223344556677aabb", "http://127.0.0.1:9002", true, List.of("bob"),
                TestData.NOW);
        return Stream.of(
                Arguments.of(new Hello("aabbccddeeff00112233", data.nodeKey(), "http://127.0.0.1:9003", "f00d", "ab12"),
                        new Welcome("0011223344556677aabb", "chain-1", data.hash(), head, true,
                                List.of("http://a:1", "http://b:2"), data.nodeKey(), "http://127.0.0.1:9002", "cd34")),
                Arguments.of(new Hello("aabbccddeeff00112233", data.nodeKey(), "http://127.0.0.1:9003", "", ""),
                        new Welcome("0011223344556677aabb", null, null, null, false, List.of(), null, null, "")),
                Arguments.of(new BlockAnnouncement(block, "http://127.0.0.1:9004"), new Ack("stored")),
                Arguments.of(new BlockAnnouncement(block, null), new Ack(null)),
                Arguments.of(new BlockAnnouncement(block, "http://127.0.0.1:9004",
                        List.of("http://127.0.0.1:9004", "http://127.0.0.1:9005")), new Ack("stored")),
                Arguments.of(new GetBlocks(5, 3), new Blocks(data.chain(3))),
                Arguments.of(new GetBlocks(0, 10), new Blocks(List.of())),
                Arguments.of(new GetBlock(block.hash()), new Blocks(List.of(block))),
                Arguments.of(new GetBlock(block.hash()), new Blocks(List.of())),
                Arguments.of(new GetHead(), new HeadReply(head)),
                Arguments.of(new GetHead(), new HeadReply(null)),
                Arguments.of(new AuthRelay(UUID.randomUUID(), "host-1", 4, start), challenge),
                Arguments.of(new AuthRelay(UUID.randomUUID(), "host-1", 3, finish), confirmed),
                Arguments.of(new AuthRelay(UUID.randomUUID(), "host-1", 2, grantRequest), issued),
                Arguments.of(new AuthRelay(UUID.randomUUID(), "host-1", 1, login), new Ack("signed in")),
                Arguments.of(new Receipts(List.of(big, small)), new Ack("2 receipts")),
                Arguments.of(start, challenge),
                Arguments.of(new AuthFinish(null, "sess-1", data.bytes(32)),
                        new AuthConfirmed(data.bytes(32), null, null)),
                Arguments.of(finish, confirmed),
                Arguments.of(login, new Ack("signed in")),
                Arguments.of(new LoginRequest("alice", "sess-2", 2, null, data.bytes(32)), new Ack(null)),
                Arguments.of(grantRequest, issued),
                Arguments.of(new SubmitBatch(grantRequest),
                        new Submitted(commands.stream().map(Command::id).toList(), UUID.randomUUID())),
                Arguments.of(new SubmitBatch(noAccounts), new Submitted(List.of(), null)),
                Arguments.of(new GetStatus(), new StatusReply(status)),
                Arguments.of(new GetStatus(), new StatusReply(new PeerStatus(Role.STUDENT, "n", data.nodeKey(), "http://x:1",
                        "chain-1", 2, block.hash(), List.of(), List.of(), 0, List.of("lock"), List.of(),
                        new org.classchain.DesktopHealth(true, 1, 1, TestData.NOW, 2, "")))),
                Arguments.of(new GetStatus(), new StatusReply(new PeerStatus(Role.TEACHER, "n", new org.classchain.NodeKey(new byte[32]), "http://x:1", null, 0,
                        null, List.of(), List.of(), 0))),
                Arguments.of(new GetCommand(commands.get(0).id()),
                        new CommandReply(new CommandReport(commands.get(0).id(), "blackout", null, List.of(small)))),
                Arguments.of(new GetCommand(commands.get(0).id()),
                        new CommandReply(new CommandReport(commands.get(0).id(), null, 12L, List.of()))),
                Arguments.of(new GetModules(), new ModulesReply(List.of(module))),
                Arguments.of(new GetPeers(), new PeersReply(List.of(peer,
                        new PeerInfo(null, "http://127.0.0.1:9009", false, List.of(), null)))),
                Arguments.of(new Message.EnrollRequest("teacher.t", "sess-1", 5, data.nodeKey(), data.bytes(32)),
                        new Ack("enrolled")),
                Arguments.of(new AuthRelay(UUID.randomUUID(), "host-1", 2,
                        new Message.EnrollRequest("teacher.t", "sess-1", 6, data.nodeKey(), data.bytes(32)),
                        "http://127.0.0.1:9010"), new Ack("enrolled")),
                Arguments.of(new Message.RegisterAccount("alice", data.nodeKey(), data.bytes(64)), new Ack("queued")),
                Arguments.of(new Message.GetAccounts(), new Message.AccountsReply(List.of(data.account(),
                        new org.classchain.Account("gone", Role.STUDENT, List.of())))),
                Arguments.of(new Message.CredentialRequest("alice", data.nodeKey(), data.bytes(32), data.bytes(64)),
                        new Message.CredentialTransfer(data.nodeKey(), data.bytes(32), data.bytes(12), data.bytes(200),
                                data.bytes(64))),
                Arguments.of(new Message.LogoutRequest("teacher.t", "sess-1", 7, data.bytes(32)), new Ack("signed out")),
                Arguments.of(new AuthRelay(UUID.randomUUID(), "host-1", 2,
                        new Message.LogoutRequest("teacher.t", "sess-1", 8, data.bytes(32))), new Ack("signed out")),
                Arguments.of(new Message.ScreenRequest(UUID.randomUUID(), "0011223344556677aabb", "aabbccddeeff00112233",
                        1760000000123L, 320, data.bytes(32), 3, data.bytes(64)), new Message.ScreenFrame(
                        new org.classchain.Attachment("image/jpeg", data.bytes(60_000)), TestData.NOW, data.bytes(32),
                        data.bytes(12))),
                Arguments.of(new GetStatus(), new Rejected(403, "students may not look", 0)),
                Arguments.of(new BlockAnnouncement(block, null), new Rejected(422, "proof of work: too few zero bits", 0)),
                Arguments.of(start, new Rejected(429, "slow down", 7)),
                Arguments.of(new SubmitBatch(grantRequest), new Rejected(401, "bad MAC", 0)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("exchanges")
    void every_message_survives_the_round_trip(Message request, Message reply) throws Exception {
        stub.replyWith(reply);
        Message answer = client.send(server.localAddress(), request).get(10, TimeUnit.SECONDS);
        assertThat(stub.lastRequest.get()).usingRecursiveComparison().isEqualTo(request);
        assertThat(stub.lastFrom.get()).isEqualTo("127.0.0.1");
        assertThat(answer).usingRecursiveComparison().isEqualTo(reply);
    }

    /**
     * Every message type is a row's request, a row's reply, the refusal, or the view token some
     * rows take; and the exchanges above send each one through Jetty. A new message without a
     * row, or without an exchange here, fails this test.
     */
    @Test
    void every_message_type_has_a_row_and_crosses_jetty_above() {
        Set<Class<?>> onTheWire = new HashSet<>(List.of(Rejected.class, Message.ViewCheck.class,
                Message.GetScreen.class)); // GetScreen: the query of GET /screens/{nodeId}
        for (RouteTable.Row row : RouteTable.ROWS) {
            onTheWire.add(row.request());
            onTheWire.add(row.reply());
        }
        onTheWire.addAll(RouteTable.RELAYED_REPLIES);
        Set<Class<?>> exercised = new HashSet<>(Set.of(Message.ViewCheck.class, Message.GetScreen.class)); // the tests below
        exchanges().forEach(a -> {
            for (Object m : a.get()) {
                exercised.add(m.getClass());
                if (m instanceof AuthRelay relay) {
                    exercised.add(relay.request().getClass());
                }
            }
        });
        List<Class<?>> types = new ArrayList<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(Message.class.getPermittedSubclasses()));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            } else {
                types.add(c);
            }
        }
        assertThat(types).hasSizeGreaterThan(30);
        for (Class<?> c : types) {
            boolean relayed = Message.AuthRequest.class.isAssignableFrom(c);
            assertThat(onTheWire.contains(c)).as(c.getSimpleName() + " has a row in RouteTable").isTrue();
            assertThat(exercised).as(c.getSimpleName() + " crosses Jetty in exchanges()" + (relayed ? ", also relayed" : ""))
                    .contains(c);
        }
    }

    @Test
    void the_teachers_view_token_reaches_the_peer_as_a_view_check() throws Exception {
        UUID id = UUID.randomUUID();
        AtomicReference<Message.ViewCheck> seen = new AtomicReference<>();
        stub.answerWith(m -> {
            if (m instanceof Message.ViewCheck v) {
                seen.set(v);
                return CompletableFuture.completedFuture(new Ack("yes"));
            }
            return CompletableFuture.completedFuture(new CommandReply(new CommandReport(id, null, null, List.of())));
        });
        byte[] mac = data.bytes(32);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.localAddress()
                + Routes.PREFIX + "/commands/" + id + "?session=host.s1&until=1760000000123&mac="
                + HexFormat.of().formatHex(mac))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(seen.get()).usingRecursiveComparison().isEqualTo(new Message.ViewCheck("host.s1", 1760000000123L, mac));
        assertThat(stub.lastRequest.get()).isEqualTo(new GetCommand(id));
    }

    @Test
    void a_screen_asked_with_the_teachers_view_token_reaches_the_peer_as_a_get_screen_and_comes_back_as_a_jpeg()
            throws Exception {
        byte[] jpeg = data.bytes(5000);
        stub.replyWith(new Message.ScreenFrame(new org.classchain.Attachment("image/jpeg", jpeg), TestData.NOW));
        byte[] mac = data.bytes(32);
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.localAddress()
                + Routes.PREFIX + "/screens/00aa11bb?session=host.s1&until=1760000000123&mac="
                + HexFormat.of().formatHex(mac) + "&width=640")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(r.body()).isEqualTo(jpeg);
        assertThat(stub.lastRequest.get()).usingRecursiveComparison().isEqualTo(new Message.GetScreen("00aa11bb", 640,
                new Message.ViewCheck("host.s1", 1760000000123L, mac)));
    }

    @Test
    void a_report_asked_without_the_teachers_view_token_leaves_out_the_attachments_bytes() throws Exception {
        Receipt big = data.receipt(true);
        Receipt small = data.receipt(false);
        UUID id = big.commandId();
        stub.replyWith(new CommandReply(new CommandReport(id, "screenshot", 4L, List.of(big, small))));
        CommandReply answer = (CommandReply) client.send(server.localAddress(), new GetCommand(id)).get(10, TimeUnit.SECONDS);
        Receipt got = answer.report().receipts().get(0);
        assertThat(got.attachment()).isNull();
        assertThat(got).usingRecursiveComparison().ignoringFields("attachment").isEqualTo(big);
        assertThat(answer.report().receipts().get(1)).usingRecursiveComparison().isEqualTo(small);
    }

    @Test
    void the_attachment_and_signature_bytes_arrive_intact() throws Exception {
        Receipt big = data.receipt(true);
        stub.replyWith(new Ack("ok"));
        client.send(server.localAddress(), new Receipts(List.of(big))).get(10, TimeUnit.SECONDS);
        Receipt got = ((Receipts) stub.lastRequest.get()).receipts().get(0);
        assertThat(got).isEqualTo(big);
        assertThat(got.attachment().content()).hasSize(64 * 1024).isEqualTo(big.attachment().content());
    }

    @Test
    void a_received_block_is_decoded_from_its_bytes_with_the_hash_recomputed() throws Exception {
        Block block = data.block(3, data.hash());
        stub.replyWith(new Ack("ok"));
        client.send(server.localAddress(), new BlockAnnouncement(block, "http://me:1")).get(10, TimeUnit.SECONDS);
        Block got = ((BlockAnnouncement) stub.lastRequest.get()).block();
        assertThat(got).isEqualTo(block);
        assertThat(TestData.CODEC.encode(got)).isEqualTo(TestData.CODEC.encode(block));
        assertThat(got.payload().grant().signature()).hasSize(64).isEqualTo(block.payload().grant().signature());
    }

    @Test
    void a_page_request_above_the_maximum_is_clamped_by_the_client() throws Exception {
        stub.replyWith(new Blocks(List.of()));
        client.send(server.localAddress(), new GetBlocks(5, 5000)).get(10, TimeUnit.SECONDS);
        assertThat(stub.lastRequest.get()).isEqualTo(new GetBlocks(5, Routes.MAX_PAGE));
    }

    @Test
    void sending_a_reply_type_fails_without_a_network_call() {
        int before = stub.calls.get();
        assertThat(client.send(server.localAddress(), new Ack("not a request")))
                .failsWithin(Duration.ofSeconds(1));
        assertThat(stub.calls.get()).isEqualTo(before);
    }

    @Test
    void an_address_with_a_trailing_slash_works() throws Exception {
        stub.replyWith(new HeadReply(null));
        Message m = client.send(server.localAddress() + "/", new GetHead()).get(10, TimeUnit.SECONDS);
        assertThat(m).isEqualTo(new HeadReply(null));
    }

    @Test
    void local_address_is_the_bound_loopback_port() {
        assertThat(server.localAddress()).isEqualTo("http://127.0.0.1:" + server.port());
        assertThat(server.port()).isPositive();
    }

    @Test
    void rejected_codes_outside_the_error_range_become_500() throws Exception {
        stub.replyWith(new Rejected(200, "odd", 0));
        Message m = client.send(server.localAddress(), new GetHead()).get(10, TimeUnit.SECONDS);
        assertThat(m).isInstanceOf(Rejected.class);
        assertThat(((Rejected) m).code()).isEqualTo(500);
    }

    @Test
    void a_handler_answering_the_wrong_type_is_a_500_rejection() throws Exception {
        stub.replyWith(new Ack("wrong"));
        Message m = client.send(server.localAddress(), new GetStatus()).get(10, TimeUnit.SECONDS);
        assertThat(m).isInstanceOf(Rejected.class);
        assertThat(((Rejected) m).code()).isEqualTo(500);
        assertThat(((Rejected) m).reason()).doesNotContain("Exception").doesNotContain("at org.");
    }
}
