import SoftmaxSpec

/// Known hard-to-round Double inputs of exp, log and log1p: the first entries of CORE-MATH's
/// worst-case files (github.com/core-math, src/binary64/exp/exp.wc, log/log.wc, log1p/log1p.wc;
/// log.wc from Lefèvre's hrcases-explog), inputs whose exact result has 45 or more identical bits
/// after the rounding bit. `softmax-lab elementary` and ElementaryTests evaluate them besides
/// random inputs.
public enum HardToRoundInputs {
  static let exp: [Double] = [
    0x1.0122ef37212ebp-1, 0x1.00d48a707b93ep-1, 0x1.00e0e33c8c3fdp-1,
    0x1.00bcc31ebded7p-1, 0x1.012c061237773p-1, 0x1.00c3594568d32p-1,
    0x1.005ae04256babp-1, 0x1.0036671ff87efp-1, 0x1.00cb9ef6145e1p-1,
    0x1.01ae25c609a38p-1, 0x1.0303c5638675fp-1, 0x1.03524109555f7p-1,
    0x1.0420cae31f66ep-1, 0x1.0582220d9645ep-1, 0x1.06dbea5b3ec8cp-1,
    0x1.074adf23d05c6p-1, 0x1.0727af5fee8f6p-1, 0x1.091b18c62db66p-1,
    0x1.08543b70bd86bp-1, 0x1.0addd48128974p-1, 0x1.008eb56314daap+0,
    0x1.0138c96e1a075p+0, 0x1.0133cf37485cfp+0, 0x1.001e6892695eep+0,
    0x1.01b720730f958p+0, 0x1.034b7c73cd59cp+0, 0x1.05439777ada1cp+0,
    0x1.053f6a90b554p+0, 0x1.075a4eac01d43p+0, 0x1.07679b0edbd55p+0,
  ]
  static let log: [Double] = [
    0x1.a6ae5142326b5p+0, 0x1.a6ba95b1520f9p+0, 0x1.a702b2ce91b3p+0,
    0x1.a775c6c1d8d3ep+0, 0x1.b072ab04ee9bfp+0, 0x1.c877cba59d0acp+0,
    0x1.bbfff9457d5c3p+0, 0x1.bdfbc244c2cfep+0, 0x1.befeb75414206p+0,
    0x1.c19bdd1656c31p+0, 0x1.1e852e6951306p+1, 0x1.1f1f3da2014bbp+1,
    0x1.21e133699fd0fp+1, 0x1.000976581ce4ep+1, 0x1.009ea32637a95p+1,
    0x1.2d26e1ebebee6p+2, 0x1.39e3e05fe5f35p+3, 0x1.0af4fba7063b8p+4,
    0x1.0bb1747d46314p+5, 0x1.186e96b6dca56p+6, 0x1.08fa8af9c8957p+7,
    0x1.15956b273c365p+8, 0x1.07598f4a78f02p+9, 0x1.38a3dbb5a6a4fp+10,
    0x1.1e88509f96c39p+11, 0x1.a455a70c31d8p+13, 0x1.561031d4db97cp+16,
    0x1.7d822b508bb3bp+20, 0x1.30dafba546295p+24, 0x1.187473f1019f6p+31,
  ]
  static let log1p: [Double] = [
    0x1.94d915fa88734p-51, 0x1.010634736a28p+14, -0x0.1bc6879ea14c5p0 * 0x1p-1022,
    0x0.02efe618534fbp0 * 0x1p-1022, 0x1.0000ffff82ab3p-37, 0x1.000fff80082a1p-41,
    0x1.002e52063d1b8p-23, 0x1.003ff5333549cp-11, 0x1.0041f934a35b2p+5,
    0x1.0047f5e2d855ap-40, 0x1.006ea7f7cb461p-9, 0x1.007e43f06233cp-12,
    0x1.00800000156abp-34, 0x1.0092084ce40eap+27, 0x1.00be7487425e7p-7,
    0x1.00c3d4acbba8ap-1, 0x1.00fad16d4997dp-5, 0x1.02653dbebce5dp-6,
    0x1.0209c6fa7e358p-1, 0x1.03ff53bf44fdcp-3, 0x1.0409358a1cf68p-4,
    0x1.040be957d445ep-2, 0x1.039d33161ce58p+77, 0x1.05af9c7ab5cb1p+48,
    0x1.06adf9df65bf9p+0, 0x1.07e0f66afed0bp-48, 0x1.0a1636f8aeb6ep+93,
    0x1.0de56f7b56c5cp+85, 0x1.17730e99cd1a2p+63, 0x1.1e3779b97f4a3p-50,
  ]

  public static func inputs(_ f: ElementaryFunction) -> [Double] {
    switch f {
    case .exp: return exp + exp.map { -$0 }
    case .log: return log
    case .log1p: return log1p
    }
  }
}
