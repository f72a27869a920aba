/**
 * Class names of known deserialization gadget chains, with the chain each belongs to: ysoserial (Java native
 * serialization), marshalsec and the fastjson / Jackson deny lists (JSON and YAML type gadgets), ysoserial.net (.NET),
 * phpggc (PHP) and the Ruby universal gadgets. A name found in a serialized value means the value builds that chain.
 */

/** `[needle, chain]`: the needle is a class name or a distinctive part of one, as it is written in the serialized form. */
const javaGadgets: readonly (readonly [string, string])[] = [
  ['InvokerTransformer', 'commons-collections InvokerTransformer (ysoserial CommonsCollections)'],
  ['ChainedTransformer', 'commons-collections ChainedTransformer (ysoserial CommonsCollections)'],
  ['InstantiateTransformer', 'commons-collections InstantiateTransformer (ysoserial CommonsCollections3/4)'],
  ['TransformingComparator', 'commons-collections4 TransformingComparator (ysoserial CommonsCollections2/4)'],
  ['LazyMap', 'commons-collections LazyMap (ysoserial CommonsCollections)'],
  ['TemplatesImpl', 'Xalan TemplatesImpl bytecode loader'],
  [
    'BadAttributeValueExpException',
    'BadAttributeValueExpException toString trigger (ysoserial CommonsCollections5)',
  ],
  [
    'AnnotationInvocationHandler',
    'AnnotationInvocationHandler proxy (ysoserial CommonsCollections1/3, Jdk7u21)',
  ],
  ['MethodInvokeTypeProvider', 'Spring MethodInvokeTypeProvider (ysoserial Spring1)'],
  [
    'ObjectFactoryDelegatingInvocationHandler',
    'Spring ObjectFactoryDelegatingInvocationHandler (ysoserial Spring1)',
  ],
  ['JdkDynamicAopProxy', 'Spring JdkDynamicAopProxy (ysoserial Spring2)'],
  ['JtaTransactionManager', 'Spring JtaTransactionManager JNDI lookup'],
  ['JdbcRowSetImpl', 'JdbcRowSetImpl JNDI lookup'],
  ['ConvertedClosure', 'Groovy ConvertedClosure (ysoserial Groovy1)'],
  ['MethodClosure', 'Groovy MethodClosure'],
  ['syndication.feed.impl.ObjectBean', 'ROME ObjectBean (ysoserial ROME)'],
  ['syndication.feed.impl.ToStringBean', 'ROME ToStringBean (ysoserial ROME)'],
  ['com.mchange.v2.c3p0', 'C3P0 PoolBackedDataSource (ysoserial C3P0)'],
  ['commons.beanutils.BeanComparator', 'commons-beanutils BeanComparator (ysoserial CommonsBeanutils1)'],
  ['hibernate.engine.spi.TypedValue', 'Hibernate TypedValue (ysoserial Hibernate1)'],
  ['fileupload.disk.DiskFileItem', 'commons-fileupload DiskFileItem (ysoserial FileUpload1)'],
  ['bsh.XThis', 'BeanShell XThis (ysoserial BeanShell1)'],
  ['clojure.core$comp', 'Clojure (ysoserial Clojure)'],
  ['mozilla.javascript.NativeError', 'Rhino NativeError (ysoserial MozillaRhino)'],
  ['org.python.core.PyFunction', 'Jython PyFunction (ysoserial Jython1)'],
  ['vaadin.data.util.PropertysetItem', 'Vaadin PropertysetItem (ysoserial Vaadin1)'],
  ['net.sf.json.JSONObject', 'json-lib JSONObject (ysoserial JSON1)'],
  ['sun.rmi.server.UnicastRef', 'RMI UnicastRef (ysoserial JRMPClient)'],
  ['RegistryImpl_Stub', 'RMI registry stub (ysoserial JRMPClient)'],
  ['com.sun.jndi.rmi.registry.ReferenceWrapper', 'JNDI ReferenceWrapper'],
  ['javax.script.ScriptEngineManager', 'ScriptEngineManager with a remote class loader (SnakeYAML)'],
  ['java.net.URLClassLoader', 'URLClassLoader remote code'],
  ['java.lang.ProcessBuilder', 'ProcessBuilder command'],
  ['java.lang.Runtime', 'Runtime.exec command'],
  ['java.beans.EventHandler', 'java.beans.EventHandler proxy'],
  ['jdk.nashorn.internal.objects.NativeString', 'Nashorn NativeString (marshalsec XStream)'],
  ['javax.imageio.ImageIO$ContainsFilter', 'ImageIO ContainsFilter (marshalsec XStream)'],
  ['ImageIO_-ContainsFilter', 'ImageIO ContainsFilter (marshalsec XStream)'],
  ['XMLMessage$XmlDataSource', 'XMLMessage XmlDataSource (marshalsec XStream)'],
  ['javax.naming.InitialContext', 'JNDI InitialContext lookup'],
  ['xbean.propertyeditor.JndiConverter', 'xbean JndiConverter JNDI lookup'],
  ['com.zaxxer.hikari.HikariConfig', 'HikariConfig JNDI lookup'],
  ['configuration.JNDIConfiguration', 'commons-configuration JNDIConfiguration'],
  ['logback.core.db.JNDIConnectionSource', 'logback JNDIConnectionSource'],
  ['datasource.jndi.JndiDataSourceFactory', 'MyBatis JndiDataSourceFactory'],
  ['shiro.jndi.JndiObjectFactory', 'Shiro JndiObjectFactory'],
  ['dbcp2.BasicDataSource', 'DBCP BasicDataSource (BCEL class loader)'],
  ['dbcp.BasicDataSource', 'DBCP BasicDataSource (BCEL class loader)'],
  ['bcel.internal.util.ClassLoader', 'BCEL ClassLoader'],
  ['PropertyPathFactoryBean', 'Spring PropertyPathFactoryBean'],
  ['ClassPathXmlApplicationContext', 'Spring ClassPathXmlApplicationContext (Jackson CVE-2017-17485)'],
  ['FileSystemXmlApplicationContext', 'Spring FileSystemXmlApplicationContext (Jackson CVE-2017-17485)'],
  ['java.lang.AutoCloseable', 'fastjson AutoCloseable expectClass bypass'],
  ['java.net.Inet4Address', 'fastjson DNS probe (Inet4Address)'],
  ['java.net.Inet6Address', 'fastjson DNS probe (Inet6Address)'],
  [
    'weblogic.deployment.jms.ForeignOpaqueReference',
    'WebLogic ForeignOpaqueReference JNDI lookup (CVE-2023-21839)',
  ],
  ['tangosol.util.extractor.ReflectionExtractor', 'Coherence ReflectionExtractor (CVE-2020-2555)'],
  ['tangosol.util.extractor.UniversalExtractor', 'Coherence UniversalExtractor (CVE-2020-14645)'],
  ['tangosol.internal.util.invoke.RemoteConstructor', 'Coherence RemoteConstructor (CVE-2020-14644)'],
];

const dotnetGadgets: readonly (readonly [string, string])[] = [
  ['ObjectDataProvider', 'ObjectDataProvider (ysoserial.net)'],
  ['System.Diagnostics.Process', 'System.Diagnostics.Process start'],
  ['AssemblyInstaller', 'AssemblyInstaller (ysoserial.net)'],
  ['WindowsIdentity', 'WindowsIdentity (ysoserial.net)'],
  ['WindowsClaimsIdentity', 'WindowsClaimsIdentity (ysoserial.net)'],
  ['System.Security.Claims.ClaimsIdentity', 'ClaimsIdentity (ysoserial.net)'],
  ['RolePrincipal', 'RolePrincipal (ysoserial.net)'],
  ['SessionSecurityToken', 'SessionSecurityToken (ysoserial.net)'],
  ['TextFormattingRunProperties', 'TextFormattingRunProperties (ysoserial.net)'],
  ['System.Management.Automation.PSObject', 'PSObject (ysoserial.net)'],
  ['System.Windows.Forms.BindingSource', 'BindingSource (ysoserial.net)'],
  ['DelegateSerializationHolder', 'TypeConfuseDelegate (ysoserial.net)'],
  ['ComparisonComparer', 'TypeConfuseDelegate (ysoserial.net)'],
  ['ActivitySurrogateSelector', 'ActivitySurrogateSelector (ysoserial.net)'],
  ['System.Windows.Markup.XamlReader', 'XamlReader (ysoserial.net)'],
  ['System.Windows.ResourceDictionary', 'ResourceDictionary (ysoserial.net)'],
  ['System.Resources.ResXResourceSet', 'ResXResourceSet (ysoserial.net)'],
  ['System.Runtime.Remoting.ObjRef', 'ObjRef (ysoserial.net)'],
  ['System.Web.UI.ObjectStateFormatter', 'ObjectStateFormatter (ysoserial.net)'],
  ['System.Web.UI.LosFormatter', 'LosFormatter (ysoserial.net)'],
  ['System.IO.FileInfo', 'FileInfo file access'],
  ['System.Configuration.Install', 'System.Configuration.Install (ysoserial.net)'],
];

const phpGadgets: readonly (readonly [string, string])[] = [
  ['Monolog\\', 'Monolog (phpggc Monolog/RCE)'],
  ['GuzzleHttp\\', 'Guzzle (phpggc Guzzle/RCE, Guzzle/FW)'],
  ['Illuminate\\Broadcasting\\PendingBroadcast', 'Laravel PendingBroadcast (phpggc Laravel/RCE)'],
  ['Illuminate\\', 'Laravel (phpggc Laravel)'],
  ['Symfony\\', 'Symfony (phpggc Symfony)'],
  ['Laminas\\', 'Laminas (phpggc Laminas)'],
  ['Zend\\', 'Zend Framework (phpggc ZendFramework)'],
  ['Zend_', 'Zend Framework (phpggc ZendFramework)'],
  ['Doctrine\\', 'Doctrine (phpggc Doctrine)'],
  ['yii\\', 'Yii (phpggc Yii)'],
  ['Faker\\', 'Faker (phpggc)'],
  ['Swift_', 'SwiftMailer (phpggc SwiftMailer)'],
  ['Requests_Utility_FilteredIterator', 'WordPress Requests (phpggc WordPress)'],
  ['CodeIgniter\\', 'CodeIgniter (phpggc CodeIgniter4)'],
  ['think\\', 'ThinkPHP (phpggc ThinkPHP)'],
  ['Phalcon\\', 'Phalcon (phpggc Phalcon)'],
  ['Drupal\\', 'Drupal (phpggc Drupal)'],
  ['Slim\\', 'Slim (phpggc Slim)'],
  ['Smarty_', 'Smarty (phpggc Smarty)'],
  ['Magento\\', 'Magento (phpggc Magento)'],
  ['Pydio\\', 'Pydio (phpggc Pydio)'],
  ['TCPDF', 'TCPDF (phpggc TCPDF)'],
  ['Dompdf\\', 'Dompdf (phpggc Dompdf)'],
  ['SplFileObject', 'SplFileObject file access'],
];

const rubyGadgets: readonly (readonly [string, string])[] = [
  ['Gem::Requirement', 'RubyGems Gem::Requirement (universal Marshal gadget)'],
  ['Gem::Installer', 'RubyGems Gem::Installer (universal gadget)'],
  ['Gem::StubSpecification', 'RubyGems Gem::StubSpecification (universal gadget)'],
  ['Gem::Package::TarReader', 'RubyGems Gem::Package::TarReader (universal gadget)'],
  ['Gem::RequestSet', 'RubyGems Gem::RequestSet (universal gadget)'],
  ['Gem::Source::', 'RubyGems Gem::Source (universal gadget)'],
  ['Net::BufferedIO', 'Net::BufferedIO (universal gadget)'],
  ['Net::WriteAdapter', 'Net::WriteAdapter (universal gadget)'],
  ['DeprecatedInstanceVariableProxy', 'ActiveSupport DeprecatedInstanceVariableProxy with ERB (Rails)'],
  // Marshal writes a class name as a symbol whose length 3 is the fixnum 0x08; Psych as `!ruby/object:ERB`.
  ['\u0008ERB', 'ERB template (Rails)'],
  ['object:ERB', 'ERB template (Rails)'],
  ['NamedRouteCollection', 'Rails NamedRouteCollection (CVE-2013-0156)'],
];

export type GadgetFamily = 'java' | 'dotnet' | 'php' | 'ruby';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const finder = (table: readonly (readonly [string, string])[]) => {
  const chains = new Map(table);
  // Longest first, so `Illuminate\Broadcasting\PendingBroadcast` is named before `Illuminate\`.
  const needles = [...chains.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(needles.map(escapeRegExp).join('|'));
  return (text: string): string | undefined => {
    const found = pattern.exec(text);
    return found === null ? undefined : chains.get(found[0]);
  };
};

const finders: Record<GadgetFamily, (text: string) => string | undefined> = {
  java: finder(javaGadgets),
  dotnet: finder(dotnetGadgets),
  php: finder(phpGadgets),
  ruby: finder(rubyGadgets),
};

/** The chain a known gadget class named in `text` belongs to; undefined when none is named. */
export const gadgetIn = (text: string, family: GadgetFamily): string | undefined => finders[family](text);
