package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.security.internal.AuditLog;

@Service
@Command(scope = "security", name = "audit-verify", description = "Checks the audit trail's hash chain; names the first broken entry")
public class AuditVerifyCommand extends SecurityCommand {

    @Override
    public Object execute() {
        AuditLog.Verification v = security.auditLog().verify();
        if (v.intact()) {
            System.out.println("Audit trail intact: " + v.checked() + " entries verified");
            return null;
        }
        throw new IllegalStateException("Audit trail BROKEN at entry " + v.brokenAt() + ": " + v.problem()
                + " (" + v.checked() + " entries before it verified)");
    }
}
