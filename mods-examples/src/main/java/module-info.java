/** The example command modules and the desktop, process and inbox services they run on. */
module org.classchain.mods {
    requires transitive org.classchain.api;
    requires static com.sun.jna; // X11Grab: a lock's keyboard and mouse, in a process of its own; a lock without JNA only blacks out
    requires com.fasterxml.jackson.databind; // WebLimitsModule edits Firefox's policies.json, keeping what else it holds
    requires transitive java.desktop; // ScreenshotModule.ScreenSource, a service an app provides, returns a BufferedImage

    exports org.classchain.mods;
    exports org.classchain.mods.host;

    provides org.classchain.spi.CommandModule with
            org.classchain.mods.MessageModule,
            org.classchain.mods.BlackoutModule,
            org.classchain.mods.UnblackoutModule,
            org.classchain.mods.LockModule,
            org.classchain.mods.UnlockModule,
            org.classchain.mods.CloseAppsModule,
            org.classchain.mods.SendFileModule,
            org.classchain.mods.OpenUrlModule,
            org.classchain.mods.ScreenshotModule,
            org.classchain.mods.WebLimitsModule,
            org.classchain.mods.WakeOnLanModule,
            org.classchain.mods.PowerModule;
}
