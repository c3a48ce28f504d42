package org.classchain.samples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RoomDirectory} over DNS-SD/mDNS (JmDNS), bound to one address of this machine: its
 * multicast goes out and comes in on that address's interface only (tests bind 127.0.0.1).
 * Closing it sends the goodbye that withdraws the advertisement at once, and stops JmDNS's threads.
 */
final class MdnsRoomDirectory implements RoomDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(MdnsRoomDirectory.class);
    /** Advertisements kept at most: a LAN of classrooms has hundreds; a script can send millions. */
    static final int MAX_SEEN = 1024;

    private final JmDNS jmdns;
    private final Map<String, RoomAd> seen = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean full = new java.util.concurrent.atomic.AtomicBoolean();
    private ServiceInfo own;

    private MdnsRoomDirectory(JmDNS jmdns) {
        this.jmdns = jmdns;
    }

    /**
     * Starts mDNS on {@code address}'s interface and listens for every {@code _classchain._tcp} service.
     *
     * @param name this machine's name in mDNS (made unique by JmDNS when taken)
     */
    static MdnsRoomDirectory open(InetAddress address, String name) throws IOException {
        MdnsRoomDirectory d = new MdnsRoomDirectory(JmDNS.create(address, name));
        d.jmdns.addServiceListener(RoomAd.SERVICE_TYPE, d.new Listener());
        return d;
    }

    @Override
    public synchronized void advertise(RoomAd ad) throws IOException {
        if (own != null) {
            jmdns.unregisterService(own);
        }
        int port = URI.create(ad.address()).getPort();
        // the instance name is the node id: unique per computer, stable across restarts
        own = ServiceInfo.create(RoomAd.SERVICE_TYPE, "classchain-" + ad.nodeId(), port, 0, 0, ad.text());
        jmdns.registerService(own);
    }

    @Override
    public List<RoomAd> seen() {
        return List.copyOf(seen.values());
    }

    @Override
    public void refresh() {
        // a query on the network; answers come to the listener too
        for (ServiceInfo info : jmdns.list(RoomAd.SERVICE_TYPE, 200)) {
            resolved(info);
        }
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public synchronized void close() {
        try {
            jmdns.unregisterAllServices();
            jmdns.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing mDNS failed: {}", e.toString());
        }
    }

    private void resolved(ServiceInfo info) {
        Map<String, String> text = new HashMap<>();
        for (String key : Collections.list(info.getPropertyNames())) {
            text.put(key, info.getPropertyString(key));
        }
        RoomAd ad = RoomAd.fromText(text).orElse(null);
        if (ad == null) {
            LOG.debug("ignored a {} service without a room's entries: {}", RoomAd.SERVICE_TYPE, info.getName());
            return;
        }
        if (seen.size() >= MAX_SEEN && !seen.containsKey(info.getKey())) {
            if (full.compareAndSet(false, true)) {
                LOG.warn("more than {} ClassChain advertisements on the LAN: further ones are ignored", MAX_SEEN);
            }
            return;
        }
        if (!ad.equals(seen.put(info.getKey(), ad))) {
            changed();
        }
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    private final class Listener implements ServiceListener {
        @Override
        public void serviceAdded(ServiceEvent event) {
            event.getDNS().requestServiceInfo(event.getType(), event.getName());
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            if (seen.remove(event.getInfo().getKey()) != null) {
                changed();
            }
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            resolved(event.getInfo());
        }
    }
}
