package dev.conflux.platform.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.platform.internal.capability.Capability;
import dev.conflux.platform.internal.capability.CapabilityInventory;

@Service
@Command(scope = "conflux", name = "info", description = "Shows the Conflux version and each capability with its bundles and their states")
public class InfoCommand implements Action {

    @Reference
    CapabilityInventory inventory;

    @Override
    public Object execute() {
        System.out.println("Conflux " + inventory.version());
        System.out.println();
        ShellTable table = new ShellTable();
        table.column("Capability");
        table.column("Installed");
        table.column("Bundle");
        table.column("Version");
        table.column("State");
        for (Capability capability : inventory.capabilities()) {
            if (capability.bundles().isEmpty()) {
                table.addRow().addContent(capability.name(), capability.installed() ? "yes" : "no", "", "", "");
            }
            boolean first = true;
            for (Capability.BundleInfo bundle : capability.bundles()) {
                table.addRow().addContent(first ? capability.name() : "", first ? (capability.installed() ? "yes" : "no") : "",
                        bundle.symbolicName(), bundle.version(), bundle.state());
                first = false;
            }
        }
        table.print(System.out);
        return null;
    }
}
