package org.classchain.wire;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.classchain.Account;
import org.classchain.Attachment;
import org.classchain.CommandReport;
import org.classchain.ModuleInfo;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.Head;
import org.classchain.NodeKey;
import org.classchain.Receipt;
import org.classchain.Role;

/**
 * Everything peers say to each other, and the client requests that may be relayed through
 * them. Each request has one reply type; any request may instead be answered by
 * {@link Rejected}. A transport maps these onto its wire format (the Jetty transport onto the
 * REST routes of {@code /api/v1}).
 */
public sealed interface Message {

    /**
     * Handshake: who is asking to join or to be a neighbour. Reply: {@link Welcome}.
     * {@code signature} (hex) is the node key's signature over
     * {@code "classchain-hello-v1\n" + address + "\n" + fingerprint}: a peer binds a node id to an
     * address only on such proof, so nobody can pass for another node (the teacher's host, say).
     *
     * @param nodeId the caller's node id, derived from {@code publicKey}
     * @param publicKey the caller's node key
     * @param address where the caller serves, at most {@link #MAX_ADDRESS} characters
     * @param fingerprint the caller's code fingerprint (hex SHA-256), or empty
     * @param signature (hex) the caller's proof of {@code address}, or empty
     */
    record Hello(String nodeId, NodeKey publicKey, String address, String fingerprint, String signature)
            implements Message {
        /**
         * The longest address a message may name (a peer's own, a sender's, one in a sample): a
         * peer keeps addresses it hears of, so their length is bounded with their number.
         */
        public static final int MAX_ADDRESS = 256;

        /**
         * Checks that nothing is missing and that the address is not over {@link #MAX_ADDRESS}.
         *
         * @param nodeId never null
         * @param publicKey never null
         * @param address never null, at most {@link #MAX_ADDRESS} characters
         * @param fingerprint null becomes empty
         * @param signature null becomes empty
         * @throws IllegalArgumentException when the address is too long
         */
        public Hello {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(address, "address");
            checkAddress(address, "address");
            fingerprint = fingerprint == null ? "" : fingerprint;
            signature = signature == null ? "" : signature;
        }
    }

    /**
     * Handshake reply.
     *
     * @param nodeId the answering peer's node id
     * @param chainId its chain id, or null if it hosts no chain yet
     * @param genesisHash its genesis hash, or null
     * @param head its head, or null
     * @param neighbour whether it took the caller as a neighbour
     * @param peers a sample of addresses it knows
     * @param publicKey the answering peer's node key, or null
     * @param address the address the answering peer serves at, or null
     * @param signature (hex) its node key's signature over {@code "classchain-welcome-v1\n" + address},
     *                  or empty: without it the caller learns nothing about who serves where
     */
    record Welcome(String nodeId, String chainId, Hash genesisHash, Head head, boolean neighbour,
                   List<String> peers, NodeKey publicKey, String address, String signature) implements Message {
        /**
         * Copies the peer list, without addresses over {@link Hello#MAX_ADDRESS}; checks the address.
         *
         * @param nodeId never null
         * @param chainId or null
         * @param genesisHash or null
         * @param head or null
         * @param neighbour whether it took the caller as a neighbour
         * @param peers copied without the addresses that are too long
         * @param publicKey or null
         * @param address or null; at most {@link Hello#MAX_ADDRESS} characters
         * @param signature null becomes empty
         * @throws IllegalArgumentException when the address is too long
         */
        public Welcome {
            Objects.requireNonNull(nodeId, "nodeId");
            peers = peers.stream().filter(p -> p.length() <= Hello.MAX_ADDRESS).toList();
            if (address != null) {
                checkAddress(address, "address");
            }
            signature = signature == null ? "" : signature;
        }
    }

    /**
     * A block announced by a neighbour. Reply: {@link Ack}.
     *
     * <p>{@code pushedTo} names the peers the sender is sending this same block to, its own address
     * included (and those it was told of, as far as the list has room): a receiver relays only to
     * neighbours not named there, so that a block pushed by its producer to every computer of a room
     * is not relayed among them again. A lie there can only delay a block: a peer not sent it
     * finds it by comparing heads at a tick (DESIGN section 7).
     *
     * @param block the block, not yet checked
     * @param senderAddress where the announcing peer serves, so the receiver can fetch what the
     *                      block needs from it; or null
     * @param pushedTo addresses the block is being sent to, at most {@link #MAX_PUSHED}, each at most
     *                 {@link Hello#MAX_ADDRESS} characters; empty when the sender says nothing
     */
    record BlockAnnouncement(Block block, String senderAddress, List<String> pushedTo) implements Message {
        /**
         * The most addresses {@code pushedTo} may name: a producer pushes to at most this many peers
         * at once (the rest of a larger room gets the block by relay).
         */
        public static final int MAX_PUSHED = 128;

        /**
         * Checks that nothing is missing and that no address is over {@link Hello#MAX_ADDRESS}; copies
         * the list.
         *
         * @param block never null
         * @param senderAddress or null; at most {@link Hello#MAX_ADDRESS} characters
         * @param pushedTo null becomes empty; at most {@link #MAX_PUSHED} addresses, none null
         * @throws IllegalArgumentException when an address is too long or there are too many
         */
        public BlockAnnouncement {
            Objects.requireNonNull(block, "block");
            if (senderAddress != null) {
                checkAddress(senderAddress, "senderAddress");
            }
            if (pushedTo == null) {
                pushedTo = List.of();
            } else {
                if (pushedTo.size() > MAX_PUSHED) {
                    throw new IllegalArgumentException("pushedTo has " + pushedTo.size() + " addresses, at most "
                            + MAX_PUSHED);
                }
                for (String a : pushedTo) {
                    if (a == null) {
                        throw new IllegalArgumentException("pushedTo holds a null address");
                    }
                    checkAddress(a, "an address in pushedTo");
                }
                pushedTo = List.copyOf(pushedTo);
            }
        }

        /**
         * An announcement that names no other receiver (as peers before {@code pushedTo} sent).
         *
         * @param block never null
         * @param senderAddress or null; at most {@link Hello#MAX_ADDRESS} characters
         */
        public BlockAnnouncement(Block block, String senderAddress) {
            this(block, senderAddress, List.of());
        }
    }

    /** Refuses an address over {@link Hello#MAX_ADDRESS} characters, naming the field. */
    private static void checkAddress(String address, String field) {
        if (address.length() > Hello.MAX_ADDRESS) {
            throw new IllegalArgumentException(field + " has " + address.length() + " characters, at most "
                    + Hello.MAX_ADDRESS);
        }
    }

    /**
     * Asks for up to {@code limit} best-chain blocks from height {@code from}. Reply: {@link Blocks}.
     *
     * @param from the first height, at least 0
     * @param limit the most blocks wanted, at least 1; a peer may send fewer
     */
    record GetBlocks(long from, int limit) implements Message {
    }

    /**
     * Asks for one block by hash. Reply: {@link Blocks} with zero or one block.
     *
     * @param hash the block's hash
     */
    record GetBlock(Hash hash) implements Message {
        /**
         * Checks that nothing is missing.
         *
         * @param hash never null
         */
        public GetBlock {
            Objects.requireNonNull(hash, "hash");
        }
    }

    /**
     * A page of blocks.
     *
     * @param blocks the blocks, in chain order
     */
    record Blocks(List<Block> blocks) implements Message {
        /**
         * Copies the list.
         *
         * @param blocks copied
         */
        public Blocks {
            blocks = List.copyOf(blocks);
        }
    }

    /** Asks for the peer's head. Reply: {@link HeadReply}. */
    record GetHead() implements Message {
    }

    /**
     * A peer's head.
     *
     * @param head the tip of its best chain
     */
    record HeadReply(Head head) implements Message {
    }

    /**
     * Receipts travelling to the teacher's hosts. Reply: {@link Ack}.
     *
     * @param receipts signed receipts, of one or more commands
     */
    record Receipts(List<Receipt> receipts) implements Message {
        /**
         * Copies the list.
         *
         * @param receipts copied
         */
        public Receipts {
            receipts = List.copyOf(receipts);
        }
    }

    /**
     * Generic acknowledgement.
     *
     * @param detail what was done, for logs and people ("queued", "already recorded")
     */
    record Ack(String detail) implements Message {
    }

    /**
     * A refusal: the request was understood and turned down, or was malformed.
     *
     * @param code an HTTP-like status: 400 malformed, 401 bad credentials, 403 not allowed,
     *             404 unknown, 409 conflict, 422 invalid block, 429 slow down, 503 unavailable
     * @param reason what was wrong, for a person
     * @param retryAfterSeconds when to try again (for 429), else 0
     */
    record Rejected(int code, String reason, long retryAfterSeconds) implements Message {
        /**
         * {@return a refusal without a retry hint}
         *
         * @param code an HTTP-like status
         * @param reason what was wrong, for a person
         */
        public static Rejected of(int code, String reason) {
            return new Rejected(code, reason, 0);
        }
    }

    // ---- delegated authentication (DESIGN 5): the same messages from a client or a relay ----

    /** Marker for requests that go to an account's host. */
    sealed interface AuthRequest extends Message permits AuthStart, AuthFinish, GrantRequest, LoginRequest,
            EnrollRequest, LogoutRequest {
        /** {@return the account the request is for} */
        String username();
    }

    /**
     * SRP-6a round one: the client's public value A. Reply: {@link AuthChallenge}.
     *
     * @param username the account signing in
     * @param clientPublic A, unsigned big-endian
     */
    record AuthStart(String username, byte[] clientPublic) implements AuthRequest {
        /**
         * Copies A.
         *
         * @param username never null
         * @param clientPublic copied
         */
        public AuthStart {
            Objects.requireNonNull(username, "username");
            clientPublic = clientPublic.clone();
        }

        /** {@return a copy of A} */
        @Override
        public byte[] clientPublic() {
            return clientPublic.clone();
        }
    }

    /**
     * SRP-6a round one reply: the session, the PBKDF2 salt and iterations, and the host's B.
     *
     * @param session the id round two names, {@code <hostNodeId>.<id>}
     * @param salt the account's PBKDF2 salt
     * @param iterations the account's PBKDF2 iterations
     * @param serverPublic B, unsigned big-endian
     */
    record AuthChallenge(String session, byte[] salt, int iterations, byte[] serverPublic) implements Message {
        /**
         * Copies the arrays.
         *
         * @param session the session id
         * @param salt copied
         * @param iterations the PBKDF2 iterations
         * @param serverPublic copied
         */
        public AuthChallenge {
            salt = salt.clone();
            serverPublic = serverPublic.clone();
        }

        /** {@return a copy of the salt} */
        @Override
        public byte[] salt() {
            return salt.clone();
        }

        /** {@return a copy of B} */
        @Override
        public byte[] serverPublic() {
            return serverPublic.clone();
        }
    }

    /**
     * SRP-6a round two: the client's evidence M1. Reply: {@link AuthConfirmed}.
     *
     * @param username the account signing in
     * @param session the session id of the {@link AuthChallenge}
     * @param clientEvidence M1
     */
    record AuthFinish(String username, String session, byte[] clientEvidence) implements AuthRequest {
        /**
         * Copies M1.
         *
         * @param username the account
         * @param session the session id
         * @param clientEvidence copied
         */
        public AuthFinish {
            clientEvidence = clientEvidence.clone();
        }

        /** {@return a copy of M1} */
        @Override
        public byte[] clientEvidence() {
            return clientEvidence.clone();
        }
    }

    /**
     * The host's evidence M2 (the client checks it) and when the session ends if idle.
     *
     * @param serverEvidence M2
     * @param role the account's role
     * @param expiresAt when the session ends unless it is used before
     */
    record AuthConfirmed(byte[] serverEvidence, Role role, Instant expiresAt) implements Message {
        /**
         * Copies M2.
         *
         * @param serverEvidence copied
         * @param role the account's role
         * @param expiresAt when the session ends if idle
         */
        public AuthConfirmed {
            serverEvidence = serverEvidence.clone();
        }

        /** {@return a copy of M2} */
        @Override
        public byte[] serverEvidence() {
            return serverEvidence.clone();
        }
    }

    /**
     * A MAC'd batch asking the host for a grant: {@code mac = HMAC-SHA256(K, counter | batch)}.
     * Reply: {@link GrantIssued}. The host refuses (422) a command whose module no computer it
     * knows of has installed, unless {@code force}: a sender's "I know, send it anyway" (for a
     * module only computers the host has not heard from yet have). {@code force} is outside the
     * MAC: it changes only whether the host checks, never what is granted.
     *
     * @param username the signed-in account
     * @param session its session id
     * @param counter one more than the session's last, so a request cannot be replayed
     * @param commands the commands to grant
     * @param accounts the account updates to grant
     * @param mac the MAC under the session key K
     * @param force whether the host grants commands of modules no computer it knows of has
     */
    record GrantRequest(String username, String session, long counter, List<Command> commands,
                        List<Account> accounts, byte[] mac, boolean force) implements AuthRequest {
        /**
         * Copies the lists and the MAC.
         *
         * @param username the account
         * @param session the session id
         * @param counter the request's counter
         * @param commands copied
         * @param accounts copied
         * @param mac copied
         * @param force whether the module check is waived
         */
        public GrantRequest {
            commands = List.copyOf(commands);
            accounts = List.copyOf(accounts);
            mac = mac.clone();
        }

        /**
         * A batch whose modules the host checks (not forced).
         *
         * @param username the account
         * @param session the session id
         * @param counter the request's counter
         * @param commands copied
         * @param accounts copied
         * @param mac copied
         */
        public GrantRequest(String username, String session, long counter, List<Command> commands,
                            List<Account> accounts, byte[] mac) {
            this(username, session, counter, commands, accounts, mac, false);
        }

        /**
         * {@return this batch with {@code force} set as given}
         *
         * @param force whether the host grants commands of modules no computer it knows of has
         */
        public GrantRequest withForce(boolean force) {
            return new GrantRequest(username, session, counter, commands, accounts, mac, force);
        }

        /** {@return a copy of the MAC} */
        @Override
        public byte[] mac() {
            return mac.clone();
        }
    }

    /**
     * The host's grant for a batch.
     *
     * @param grant signed by the host
     */
    record GrantIssued(Grant grant) implements Message {
    }

    /**
     * Signs a person in at a peer (the roster): {@code mac = HMAC-SHA256(K, counter | "login:" + peerNodeId)}.
     * Reply: {@link Ack}.
     *
     * @param username the signed-in account
     * @param session its session id
     * @param counter one more than the session's last
     * @param peerNodeId the peer the person signs in at
     * @param mac the MAC under the session key K
     */
    record LoginRequest(String username, String session, long counter, String peerNodeId, byte[] mac)
            implements AuthRequest {
        /**
         * Copies the MAC.
         *
         * @param username the account
         * @param session the session id
         * @param counter the request's counter
         * @param peerNodeId the peer signed in at
         * @param mac copied
         */
        public LoginRequest {
            mac = mac.clone();
        }

        /** {@return a copy of the MAC} */
        @Override
        public byte[] mac() {
            return mac.clone();
        }
    }

    /**
     * Ends a session at its host (the console's "Sign out"): from then on its MAC'd requests and
     * its view tokens are refused. MAC'd with the session key over {@code "logout"} and the next
     * counter. Reply: {@link Ack}.
     *
     * @param username the signed-in account
     * @param session its session id
     * @param counter one more than the session's last
     * @param mac the MAC under the session key K
     */
    record LogoutRequest(String username, String session, long counter, byte[] mac) implements AuthRequest {
        /**
         * Copies the MAC.
         *
         * @param username the account
         * @param session the session id
         * @param counter the request's counter
         * @param mac copied
         */
        public LogoutRequest {
            mac = mac.clone();
        }

        /** {@return a copy of the MAC} */
        @Override
        public byte[] mac() {
            return mac.clone();
        }
    }

    /**
     * Enrolls a device (a second laptop, a co-teacher's machine) as a host of the TEACHER
     * account, from a signed-in TEACHER session:
     * {@code mac = HMAC-SHA256(K, counter | "enroll:" + hex(deviceKey))}. The host checks the MAC
     * and that the device may host the teacher's credential, then records its key on the chain;
     * the device fetches the credential, encrypted to it. Reply: {@link Ack}.
     *
     * @param username the signed-in TEACHER account
     * @param session its session id
     * @param counter one more than the session's last
     * @param deviceKey the node key of the device to enroll, as its status and handshake show it
     * @param mac the MAC under the session key K
     */
    record EnrollRequest(String username, String session, long counter, NodeKey deviceKey, byte[] mac)
            implements AuthRequest {
        /**
         * Checks that nothing is missing and copies the MAC.
         *
         * @param username the account
         * @param session the session id
         * @param counter the request's counter
         * @param deviceKey never null
         * @param mac copied
         */
        public EnrollRequest {
            Objects.requireNonNull(deviceKey, "deviceKey");
            mac = mac.clone();
        }

        /** {@return a copy of the MAC} */
        @Override
        public byte[] mac() {
            return mac.clone();
        }
    }

    /**
     * An auth request relayed towards a host of the account, hop by hop. Reply: whatever the host
     * answered, relayed back unchanged.
     *
     * @param relayId dedupes the same relay arriving by two paths
     * @param hostNodeId the host it is for
     * @param hopsLeft decremented at each hop; dropped at 0
     * @param request the client's request
     * @param origin the address the sender of this hop got the request from (its client, or the
     *               previous hop), as the sender saw it; null if not said. Each hop sets it anew, so
     *               the host trusts a relaying peer for one level only: its sign-in limits keep the
     *               clients of one relay apart (DESIGN 5, lock-out). At most {@value #MAX_ORIGIN} characters.
     */
    record AuthRelay(UUID relayId, String hostNodeId, int hopsLeft, AuthRequest request, String origin)
            implements Message {
        /** The longest {@code origin}. */
        public static final int MAX_ORIGIN = 256;

        /**
         * Checks that nothing is missing.
         *
         * @param relayId never null
         * @param hostNodeId never null
         * @param hopsLeft the hops it may still take
         * @param request never null
         * @param origin or null; at most {@link #MAX_ORIGIN} characters
         * @throws IllegalArgumentException when the origin is too long
         */
        public AuthRelay {
            Objects.requireNonNull(relayId, "relayId");
            Objects.requireNonNull(hostNodeId, "hostNodeId");
            Objects.requireNonNull(request, "request");
            if (origin != null && origin.length() > MAX_ORIGIN) {
                throw new IllegalArgumentException("a relay's origin has at most " + MAX_ORIGIN + " characters");
            }
        }

        /**
         * A relay that does not say where the request came from.
         *
         * @param relayId never null
         * @param hostNodeId never null
         * @param hopsLeft the hops it may still take
         * @param request never null
         */
        public AuthRelay(UUID relayId, String hostNodeId, int hopsLeft, AuthRequest request) {
            this(relayId, hostNodeId, hopsLeft, request, null);
        }
    }

    // ---- client requests (the REST routes of DESIGN 7), answered by the peer a client talks to ----

    /**
     * A client's MAC'd batch: the peer obtains a grant from the account's host (itself or
     * through relays), mines the block and broadcasts it. Reply: {@link Submitted}.
     *
     * @param request the client's MAC'd batch
     */
    record SubmitBatch(GrantRequest request) implements Message {
        /**
         * Checks that nothing is missing.
         *
         * @param request never null
         */
        public SubmitBatch {
            Objects.requireNonNull(request, "request");
        }
    }

    /**
     * The batch was granted and queued for mining; it will reach the chain.
     *
     * @param commandIds the ids of its commands, in order
     * @param grantId the id of its grant
     */
    record Submitted(List<UUID> commandIds, UUID grantId) implements Message {
        /**
         * Copies the ids.
         *
         * @param commandIds copied
         * @param grantId the grant's id
         */
        public Submitted {
            commandIds = List.copyOf(commandIds);
        }
    }

    /** Asks for the peer's status. Reply: {@link StatusReply}. */
    record GetStatus() implements Message {
    }

    /**
     * A peer's status.
     *
     * @param status what it says of itself
     */
    record StatusReply(PeerStatus status) implements Message {
    }

    /**
     * Asks what the peer knows of a command. Reply: {@link CommandReply}.
     *
     * @param id the command's id
     */
    record GetCommand(UUID id) implements Message {
    }

    /**
     * Asks whether a view token opens the teacher's private views at this peer: receipt events and
     * receipts' attachments (screens). Reply: {@link Ack} when {@code session} is a live TEACHER
     * session held by this peer and {@code mac} is {@code HMAC-SHA256(K, until | "view:" + this
     * peer's node id)} with {@code until} (epoch ms, 8 bytes big-endian) in the near future (see
     * docs/auth.md); else {@link Rejected} 401. Answering does not count as using the session.
     *
     * @param session the session id as the client holds it ({@code <hostNodeId>.<id>})
     * @param until when the token ends, epoch milliseconds
     * @param mac 32 bytes
     */
    record ViewCheck(String session, long until, byte[] mac) implements Message {
        /**
         * Copies the MAC.
         *
         * @param session never null
         * @param until epoch milliseconds
         * @param mac never null, copied
         */
        public ViewCheck {
            Objects.requireNonNull(session, "session");
            mac = Objects.requireNonNull(mac, "mac").clone();
        }

        /** {@return a copy of the MAC} */
        @Override
        public byte[] mac() {
            return mac.clone();
        }
    }

    /**
     * What the peer knows of a command.
     *
     * @param report where the command is and the receipts that reached the peer
     */
    record CommandReply(CommandReport report) implements Message {
    }

    /** Asks for the installed modules. Reply: {@link ModulesReply}. */
    record GetModules() implements Message {
    }

    /**
     * The installed modules.
     *
     * @param modules one per module, whether or not the local policy lets it run
     */
    record ModulesReply(List<ModuleInfo> modules) implements Message {
        /**
         * Copies the list.
         *
         * @param modules copied
         */
        public ModulesReply {
            modules = List.copyOf(modules);
        }
    }

    /** Asks for the peers this one knows. Reply: {@link PeersReply}. */
    record GetPeers() implements Message {
    }

    /**
     * The peers this one knows, itself first.
     *
     * @param peers the roster
     */
    record PeersReply(List<PeerInfo> peers) implements Message {
        /**
         * Copies the list.
         *
         * @param peers copied
         */
        public PeersReply {
            peers = List.copyOf(peers);
        }
    }

    /**
     * A student peer asks a teacher host to record a STUDENT account it hosts (its credential
     * was created on that peer and never leaves it). {@code signature} is the peer's node-key
     * signature over {@code "classchain-register-v1\n" + chainId + "\n" + username + "\n" + hex(hostKey)}.
     * The host records it, batched with others, in a block it authorizes itself. Reply:
     * {@link Ack} or {@link Rejected}: 409 when the name is taken or looks like a taken one, or
     * the computer already holds its student account; 429 when a computer or an address
     * registers faster than a few a minute.
     *
     * @param username the student's name
     * @param hostKey the node key of the peer that hosts the credential: the sender
     * @param signature the sender's node-key signature
     */
    record RegisterAccount(String username, NodeKey hostKey, byte[] signature) implements Message {
        /**
         * Checks that nothing is missing and copies the signature.
         *
         * @param username never null
         * @param hostKey never null
         * @param signature copied
         */
        public RegisterAccount {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(hostKey, "hostKey");
            signature = signature.clone();
        }

        /** {@return a copy of the signature} */
        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    /** Asks for the accounts on the peer's chain. Reply: {@link AccountsReply}. */
    record GetAccounts() implements Message {
    }

    /**
     * The accounts on a peer's chain, by username; retired ones (no host key) included.
     *
     * @param accounts every account on the chain
     */
    record AccountsReply(List<Account> accounts) implements Message {
        /**
         * Copies the list.
         *
         * @param accounts copied
         */
        public AccountsReply {
            accounts = List.copyOf(accounts);
        }
    }

    /**
     * A backup host asks a host of the account for its credential. The requester's key must be
     * among the account's host keys on the chain; {@code signature} is its node-key signature over
     * {@code "classchain-credential-request-v1\n" + chainId + "\n" + username + "\n" + hex(ephemeralKey)}.
     * Reply: {@link CredentialTransfer}.
     *
     * @param username the account whose credential is asked for
     * @param requesterKey the node key of the backup host asking
     * @param ephemeralKey a fresh X25519 public key; the credential is encrypted to it
     * @param signature the requester's node-key signature
     */
    record CredentialRequest(String username, NodeKey requesterKey, byte[] ephemeralKey, byte[] signature)
            implements Message {
        /**
         * Copies the arrays.
         *
         * @param username never null
         * @param requesterKey never null
         * @param ephemeralKey copied
         * @param signature copied
         */
        public CredentialRequest {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(requesterKey, "requesterKey");
            ephemeralKey = ephemeralKey.clone();
            signature = signature.clone();
        }

        /** {@return a copy of the ephemeral key} */
        @Override
        public byte[] ephemeralKey() {
            return ephemeralKey.clone();
        }

        /** {@return a copy of the signature} */
        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    /**
     * A credential encrypted to a backup host: AES-256-GCM under a key derived from X25519 of the
     * two ephemeral keys. {@code signature} is the sending host's node-key signature over both
     * ephemeral keys, the nonce and the ciphertext, so the backup knows a real host sent it.
     *
     * @param hostKey the node key of the sending host
     * @param ephemeralKey the host's fresh X25519 public key
     * @param nonce the AES-GCM nonce
     * @param ciphertext the encrypted credential, with its GCM tag
     * @param signature the host's node-key signature
     */
    record CredentialTransfer(NodeKey hostKey, byte[] ephemeralKey, byte[] nonce, byte[] ciphertext, byte[] signature)
            implements Message {
        /**
         * Copies the arrays.
         *
         * @param hostKey never null
         * @param ephemeralKey copied
         * @param nonce copied
         * @param ciphertext copied
         * @param signature copied
         */
        public CredentialTransfer {
            Objects.requireNonNull(hostKey, "hostKey");
            ephemeralKey = ephemeralKey.clone();
            nonce = nonce.clone();
            ciphertext = ciphertext.clone();
            signature = signature.clone();
        }

        /** {@return a copy of the host's ephemeral key} */
        @Override
        public byte[] ephemeralKey() {
            return ephemeralKey.clone();
        }

        /** {@return a copy of the nonce} */
        @Override
        public byte[] nonce() {
            return nonce.clone();
        }

        /** {@return a copy of the ciphertext} */
        @Override
        public byte[] ciphertext() {
            return ciphertext.clone();
        }

        /** {@return a copy of the signature} */
        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    // ------------------------------------------------------------------ screens, off the chain

    /**
     * The teacher's console asks its own peer for a picture of one computer's screens (a
     * thumbnail, or a frame of a live view). Reply: {@link ScreenFrame}; {@link Rejected} 401 when
     * {@code view} is not a teacher's view token this peer accepts (see {@link ViewCheck}), 429
     * past the session's rate, else the refusal of the computer or of the way there. The peer
     * sends the computer a {@link ScreenRequest} it signs, straight or relayed: nothing goes on
     * the chain.
     *
     * @param nodeId the computer whose screens are asked for
     * @param width the picture's width in pixels, {@link ScreenRequest#MIN_WIDTH} to {@link ScreenRequest#MAX_WIDTH}
     * @param view the teacher's view token, as the console holds it
     */
    record GetScreen(String nodeId, int width, ViewCheck view) implements Message {
        /**
         * Checks that nothing is missing.
         *
         * @param nodeId never null
         * @param width any; the peer refuses one out of range (400)
         * @param view never null
         */
        public GetScreen {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(view, "view");
        }
    }

    /**
     * A teacher's host asks a computer for a picture of its screens, on the teacher's behalf.
     * Reply: {@link ScreenFrame}, sealed to {@code replyKey}. A peer that is not {@code target}
     * relays it one hop on (at most {@code hopsLeft} hops) and cannot read the picture that comes
     * back. The target answers only when {@code requester} hosts the teacher's account on its
     * chain and {@code signature} is that host's node-key signature over
     * {@code "classchain-screen-v1\n" + chainId + "\n" + id + "\n" + target + "\n" + requester
     * + "\n" + issuedAt + "\n" + width + "\n" + hex(replyKey)}, {@code issuedAt} is within a
     * minute of its clock and {@code id} is new to it; its local policy may still refuse (403).
     *
     * @param id a fresh id: a request is answered once
     * @param target the node id of the computer asked
     * @param requester the node id of the teacher's host that signs
     * @param issuedAt when the host signed it, epoch milliseconds
     * @param width the picture's width in pixels
     * @param replyKey the requester's fresh X25519 public key (32 bytes) the picture is sealed to
     * @param hopsLeft the hops it may still take; not signed (each relay lowers it)
     * @param signature the requester's Ed25519 signature, 64 bytes
     */
    record ScreenRequest(UUID id, String target, String requester, long issuedAt, int width, byte[] replyKey,
                         int hopsLeft, byte[] signature) implements Message {
        /** The narrowest picture asked for. */
        public static final int MIN_WIDTH = 64;
        /** The widest picture asked for. */
        public static final int MAX_WIDTH = 1920;

        /**
         * Checks that nothing is missing and copies the keys.
         *
         * @param id never null
         * @param target never null
         * @param requester never null
         * @param issuedAt epoch milliseconds
         * @param width pixels
         * @param replyKey copied
         * @param hopsLeft hops
         * @param signature copied
         */
        public ScreenRequest {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(requester, "requester");
            replyKey = Objects.requireNonNull(replyKey, "replyKey").clone();
            signature = Objects.requireNonNull(signature, "signature").clone();
        }

        /** {@return a copy of the reply key} */
        @Override
        public byte[] replyKey() {
            return replyKey.clone();
        }

        /** {@return a copy of the signature} */
        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /** {@return this request one hop further on} */
        public ScreenRequest nextHop() {
            return new ScreenRequest(id, target, requester, issuedAt, width, replyKey, hopsLeft - 1, signature);
        }
    }

    /**
     * A picture of a computer's screens. Between peers it is sealed: {@code picture}'s content is
     * the JPEG under AES-256-GCM (128-bit tag, the request's id as associated data) keyed by
     * SHA-256 of {@code "classchain-screen-key-v1"}, the X25519 agreement of {@code ephemeralKey}
     * and the request's {@code replyKey}, and both public keys; so a relaying classmate sees no
     * pixels. And signed: {@code signature} is the computer's node key ({@code signerKey}, whose
     * node id is the request's target) over the request's id and the sealed frame
     * ({@code classchain-screen-frame-v1}), so a relaying classmate cannot swap in a picture she
     * sealed to the same reply key. The teacher's peer answers its console with the picture open
     * (both keys, the signer and the signature empty).
     *
     * @param picture the picture (a JPEG, or sealed), at most {@link Attachment#MAX_BYTES}
     * @param capturedAt when it was taken, by the computer's clock
     * @param ephemeralKey the computer's fresh X25519 public key, or empty when not sealed
     * @param nonce the 12-byte GCM nonce, or empty when not sealed
     * @param signerKey the computer's node key, or null when not sealed
     * @param signature its Ed25519 signature of the sealed frame, or empty when not sealed
     */
    record ScreenFrame(Attachment picture, Instant capturedAt, byte[] ephemeralKey, byte[] nonce, NodeKey signerKey,
                       byte[] signature) implements Message {
        /**
         * Checks that nothing is missing and copies the keys.
         *
         * @param picture never null
         * @param capturedAt never null
         * @param ephemeralKey copied; empty when not sealed
         * @param nonce copied; empty when not sealed
         * @param signerKey null when not sealed
         * @param signature copied; null reads as empty
         */
        public ScreenFrame {
            Objects.requireNonNull(picture, "picture");
            Objects.requireNonNull(capturedAt, "capturedAt");
            ephemeralKey = Objects.requireNonNull(ephemeralKey, "ephemeralKey").clone();
            nonce = Objects.requireNonNull(nonce, "nonce").clone();
            signature = signature == null ? new byte[0] : signature.clone();
        }

        /**
         * A picture that is not sealed.
         *
         * @param picture never null
         * @param capturedAt never null
         */
        public ScreenFrame(Attachment picture, Instant capturedAt) {
            this(picture, capturedAt, new byte[0], new byte[0], null, new byte[0]);
        }

        /**
         * A sealed picture, not signed yet.
         *
         * @param picture the sealed picture
         * @param capturedAt never null
         * @param ephemeralKey the sealing's public key
         * @param nonce the GCM nonce
         */
        public ScreenFrame(Attachment picture, Instant capturedAt, byte[] ephemeralKey, byte[] nonce) {
            this(picture, capturedAt, ephemeralKey, nonce, null, new byte[0]);
        }

        /**
         * This frame signed.
         *
         * @param signer the computer's node key
         * @param sig its signature of the sealed frame
         * @return a signed copy
         */
        public ScreenFrame signed(NodeKey signer, byte[] sig) {
            return new ScreenFrame(picture, capturedAt, ephemeralKey, nonce, signer, sig);
        }

        /** {@return a copy of the signature} */
        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /** {@return whether the picture is sealed} */
        public boolean sealed() {
            return ephemeralKey.length > 0;
        }

        /** {@return a copy of the computer's public key} */
        @Override
        public byte[] ephemeralKey() {
            return ephemeralKey.clone();
        }

        /** {@return a copy of the nonce} */
        @Override
        public byte[] nonce() {
            return nonce.clone();
        }
    }
}
