// Rows transcribed from the size tables of the pages named in each block; keep one block per page.

package vmsize

// Compute-optimized (F), storage-optimized (L) and GPU (N) sizes.
var computeStorageGPU = []page{
	// F: https://learn.microsoft.com/azure/virtual-machines/sizes-previous-gen
	// (MicrosoftDocs/azure-docs@092fdbcf).
	// Page ms.date 11/01/2020. One "Temp storage (SSD)" figure per size, no disk count.
	{series: "F", path: "sizes-previous-gen", premiumStorage: false, sizes: []row{
		{"Standard_F1", 1, 2, tempTotal(16), 0},
		{"Standard_F2", 2, 4, tempTotal(32), 0},
		{"Standard_F4", 4, 8, tempTotal(64), 0},
		{"Standard_F8", 8, 16, tempTotal(128), 0},
		{"Standard_F16", 16, 32, tempTotal(256), 0},
	}},
	// Fs: https://learn.microsoft.com/azure/virtual-machines/sizes-previous-gen
	// (MicrosoftDocs/azure-docs@092fdbcf).
	// Page ms.date 11/01/2020. Cache sizes are the figures in parentheses.
	{series: "Fs", path: "sizes-previous-gen", premiumStorage: true, sizes: []row{
		{"Standard_F1s", 1, 2, tempTotal(4), 12},
		{"Standard_F2s", 2, 4, tempTotal(8), 24},
		{"Standard_F4s", 4, 8, tempTotal(16), 48},
		{"Standard_F8s", 8, 16, tempTotal(32), 96},
		{"Standard_F16s", 16, 32, tempTotal(64), 192},
	}},
	// Fsv2: https://learn.microsoft.com/azure/virtual-machines/sizes/compute-optimized/fsv2-series
	// (MicrosoftDocs/azure-compute-docs@05e75b14).
	{series: "Fsv2", path: "sizes/compute-optimized/fsv2-series", premiumStorage: true, sizes: []row{
		{"Standard_F2s_v2", 2, 4, tempDisks(1, 16), 0},
		{"Standard_F4s_v2", 4, 8, tempDisks(1, 32), 0},
		{"Standard_F8s_v2", 8, 16, tempDisks(1, 64), 0},
		{"Standard_F16s_v2", 16, 32, tempDisks(1, 128), 0},
		{"Standard_F32s_v2", 32, 64, tempDisks(1, 256), 0},
		{"Standard_F48s_v2", 48, 96, tempDisks(1, 384), 0},
		{"Standard_F64s_v2", 64, 128, tempDisks(1, 512), 0},
		{"Standard_F72s_v2", 72, 144, tempDisks(1, 576), 0},
	}},
	// Lsv3: https://learn.microsoft.com/azure/virtual-machines/sizes/storage-optimized/lsv3-series
	// (MicrosoftDocs/azure-compute-docs@05e75b14).
	// Temp disk is the SCSI resource disk; the NVMe data disks are not counted.
	{series: "Lsv3", path: "sizes/storage-optimized/lsv3-series", premiumStorage: true, sizes: []row{
		{"Standard_L8s_v3", 8, 64, tempDisks(1, 80), 0},
		{"Standard_L16s_v3", 16, 128, tempDisks(1, 160), 0},
		{"Standard_L32s_v3", 32, 256, tempDisks(1, 320), 0},
		{"Standard_L48s_v3", 48, 384, tempDisks(1, 480), 0},
		{"Standard_L64s_v3", 64, 512, tempDisks(1, 640), 0},
		{"Standard_L80s_v3", 80, 640, tempDisks(1, 800), 0},
	}},
	// NCv3: https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/ncv3-series
	// (MicrosoftDocs/azure-compute-docs@1827cf35).
	// The page says the series retires on September 30, 2025.
	{series: "NCv3", path: "sizes/gpu-accelerated/ncv3-series", premiumStorage: true, sizes: []row{
		{"Standard_NC6s_v3", 6, 112, tempDisks(1, 736), 0},
		{"Standard_NC12s_v3", 12, 224, tempDisks(1, 1474), 0},
		{"Standard_NC24s_v3", 24, 448, tempDisks(1, 2948), 0},
		{"Standard_NC24rs_v3", 24, 448, tempDisks(1, 2948), 0},
	}},
	// NCasT4_v3: https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/ncast4v3-series
	// (MicrosoftDocs/azure-compute-docs@2bc777fd).
	{series: "NCasT4_v3", path: "sizes/gpu-accelerated/ncast4v3-series", premiumStorage: true, sizes: []row{
		{"Standard_NC4as_T4_v3", 4, 28, tempDisks(1, 176), 0},
		{"Standard_NC8as_T4_v3", 8, 56, tempDisks(1, 352), 0},
		{"Standard_NC16as_T4_v3", 16, 110, tempDisks(1, 352), 0},
		{"Standard_NC64as_T4_v3", 64, 440, tempDisks(1, 2816), 0},
	}},
	// NC_A100_v4: https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/nca100v4-series
	// (MicrosoftDocs/azure-compute-docs@1827cf35).
	{series: "NC_A100_v4", path: "sizes/gpu-accelerated/nca100v4-series", premiumStorage: true, sizes: []row{
		{"Standard_NC24ads_A100_v4", 24, 220, tempDisks(1, 64), 0},
		{"Standard_NC48ads_A100_v4", 48, 440, tempDisks(1, 128), 0},
		{"Standard_NC96ads_A100_v4", 96, 880, tempDisks(1, 256), 0},
	}},
	// ND: https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/nd-series
	// (MicrosoftDocs/azure-compute-docs@1827cf35).
	// The page says the series retired on September 6, 2023.
	{series: "ND", path: "sizes/gpu-accelerated/nd-series", premiumStorage: true, sizes: []row{
		{"Standard_ND6s", 6, 112, tempDisks(1, 736), 0},
		{"Standard_ND12s", 12, 224, tempDisks(1, 1474), 0},
		{"Standard_ND24s", 24, 448, tempDisks(1, 2948), 0},
		{"Standard_ND24rs", 24, 448, tempDisks(1, 2948), 0},
	}},
	// NVadsA10_v5: https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/nvadsa10v5-series
	// (MicrosoftDocs/azure-compute-docs@2bc777fd).
	{series: "NVadsA10_v5", path: "sizes/gpu-accelerated/nvadsa10v5-series", premiumStorage: true, sizes: []row{
		{"Standard_NV6ads_A10_v5", 6, 55, tempDisks(1, 180), 0},
		{"Standard_NV12ads_A10_v5", 12, 110, tempDisks(1, 360), 0},
		{"Standard_NV18ads_A10_v5", 18, 220, tempDisks(1, 720), 0},
		{"Standard_NV36ads_A10_v5", 36, 440, tempDisks(1, 1440), 0},
		{"Standard_NV36adms_A10_v5", 36, 880, tempDisks(1, 2880), 0},
		{"Standard_NV72ads_A10_v5", 72, 880, tempDisks(1, 2880), 0},
	}},
}
