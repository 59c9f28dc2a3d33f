// The bundle that the generated project (context.projectDir) builds: a DS component providing the step type, and the
// API imported (not packaged) in a range up to its next major version.
import java.util.jar.JarFile

def checkBundle(File projectDir, String jarName, String component, String stepType) {
    def jar = new File(projectDir, "target/" + jarName)
    assert jar.isFile() : "no bundle at " + jar
    new JarFile(jar).withCloseable { bundle ->
        def manifest = bundle.manifest.mainAttributes
        assert manifest.getValue("Bundle-ManifestVersion") == "2"
        assert manifest.getValue("Bundle-SymbolicName")
        assert manifest.getValue("Import-Package") =~ /(^|,)dev\.conflux\.api\.step;version="\[1\.\d+,2\)"/
        assert manifest.getValue("Export-Package") == null : "an internal package is exported"
        def descriptor = "OSGI-INF/" + component + ".xml"
        assert manifest.getValue("Service-Component") == descriptor
        def entry = bundle.getEntry(descriptor)
        assert entry != null : descriptor + " is not in the bundle"
        def xml = bundle.getInputStream(entry).text
        assert xml.contains('<implementation class="' + component + '"/>')
        assert xml.contains('<provide interface="dev.conflux.api.step.StepType"/>')
        assert xml =~ ('<property name="conflux.step.type"( type="String")? value="' + stepType + '"/>')
        assert bundle.getEntry(component.replace('.', '/') + ".class") != null
        assert bundle.getEntry("dev/conflux/api/step/StepType.class") == null : "the API is packaged into the plugin"
    }
    true
}

// the defaults: the step type from the artifactId (lower case, dots kept, no -steps), the class from the step type
checkBundle(context.projectDir, "Order.Export-Steps-0.1.0.jar", "org.example.orders.internal.OrderExportStep", "order.export")
